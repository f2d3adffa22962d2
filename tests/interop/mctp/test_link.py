#!/usr/bin/env python3
"""Device <-> kestrel-mctp over one binding (argv[1]: serial | usb):
SetupEndpoint, info, 10 000 echoes of random sizes up to 64 KiB, bench,
NVMe-MI requests, and a health change made in the device shell that the
next health poll reports."""
import re
import sys

from mctp_common import Device, Results, counter, expected_uuid

LINK = sys.argv[1] if len(sys.argv) > 1 else "serial"
ECHOES = 10000


def main():
    r = Results("interop_mctp_" + LINK)
    with Device() as dev:
        rc, out = dev.tool("setup", link=LINK)
        r.check("setup succeeds", rc == 0, out)
        r.check("setup assigns EID 9", "eid: 9 (assigned now)" in out, out)
        r.check("message types 00 7e 04", "message types: 0x00 0x7e 0x04" in out, out)
        r.check("vendor set PCI ccde", "PCI 0xccde" in out, out)
        r.check("uuid from the provisioned secret", "uuid: " + expected_uuid() in out, out)
        rc, out = dev.tool("setup", link=LINK)
        r.check("second setup adopts EID 9", rc == 0 and "eid: 9 (already set)" in out, out)

        rc, out = dev.tool("info", link=LINK)
        r.check("info: versions 1.0 1.1 1.2 1.3.3", "base spec: 1.0 1.1 1.2 1.3.3" in out, out)
        r.check("info: NVMe-MI 1.2", "NVMe-MI: 1.2" in out, out)
        r.check("info: simple dynamic endpoint", "simple endpoint, dynamic" in out, out)

        rc, out = dev.tool("echo", "-n", str(ECHOES), "-s", "random", link=LINK)
        r.check("%d random-size echoes all come back intact" % ECHOES,
                rc == 0 and "%d ok, 0 errors" % ECHOES in out, out)
        m = re.search(r"sizes (\d+)\.\.(\d+)", out)
        r.check("echo sizes reach 64 KiB (fragmented)", m and int(m.group(2)) > 60000, out)
        print(out.strip())

        rc, out = dev.tool("bench", "-t", "3", link=LINK)
        r.check("bench prints Throughput", rc == 0 and re.search(r"Throughput: \d+ kB/s", out),
                out)
        r.check("bench: no sequence gaps, no bad data",
                "lost messages): 0," in out and "bad data: 0" in out, out)
        print(out.strip())
        rc, out = dev.tool("bench", "-n", "5000", "-s", "1000", link=LINK)
        r.check("bench -n 5000 delivers exactly 5000",
                rc == 0 and "bench: 5000 messages, 5000000 bytes" in out, out)

        rc, out = dev.tool("nvme-mi", "subsys", link=LINK)
        r.check("nvme-mi subsys: 2 ports, MI 1.2",
                rc == 0 and "2 port(s), NVMe-MI 1.2" in out and "vid 0xccde" in out, out)
        rc, out = dev.tool("nvme-mi", "identify", link=LINK)
        r.check("nvme-mi identify: model and serial",
                rc == 0 and "Kestrel simulated NVMe" in out and
                "sn    : " + expected_uuid().replace("-", "")[:12] in out, out)
        rc, out = dev.tool("nvme-mi", "config-get", "tu", link=LINK)
        r.check("nvme-mi config-get tu = 64", rc == 0 and ": 64 bytes" in out, out)
        rc, out = dev.tool("nvme-mi", "health", "--clear", link=LINK)
        r.check("health poll: 35 C, no warnings",
                rc == 0 and "temperature: 35 C" in out and "0x1f" in out, out)

        sh = dev.shell("nvme-mi temp 360")
        r.check("shell: nvme-mi temp 360 accepted", "error" not in sh, sh)
        dev.shell("nvme-mi spare 5")
        rc, out = dev.tool("nvme-mi", "health", link=LINK)
        r.check("health poll reports 87 C, temperature and spare warnings",
                "temperature: 87 C" in out and "TEMPERATURE" in out and "SPARE-LOW" in out
                and "temperature-changed" in out and "spare-changed" in out, out)
        rc, out = dev.tool("nvme-mi", "smart", link=LINK)
        r.check("smart log: 360 K, spare 5%",
                "temperature             : 360 K" in out and "available_spare         : 5%" in
                out and "critical_warning        : 0x03" in out, out)
        rc, out = dev.tool("nvme-mi", "ctrl-health", link=LINK)
        r.check("controller health: 360 K, spare 5%", "360 K" in out and "spare 5%" in out, out)

        sh = dev.shell("mctp")
        r.check("shell mctp: eid 9 assigned", "eid 9 (dynamic, assigned)" in sh, sh)
        r.check("shell mctp: echo counter >= %d" % ECHOES, counter(sh, "echo") >= ECHOES, sh)
        r.check("shell mctp: no drops on a clean link", counter(sh, "drops") == 0, sh)
        r.check("shell mctp: route back to EID 8", "eid 8-8 via link" in sh, sh)
        sh = dev.shell("nvme-mi")
        r.check("shell nvme-mi shows the model", "360 K (87 C)" in sh and "spare:  5%" in sh, sh)
        r.check("device still running", dev.alive())
    r.done()


if __name__ == "__main__":
    main()
