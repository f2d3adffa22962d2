#!/usr/bin/env python3
"""tshark (with tools/wireshark/kestrel-mctp.lua) decodes sessions recorded
by `kestrel-mctp --pcap`: transport header fields, control commands and
completion codes (SetupEndpoint), a reassembled echo, bench command and
data, NVMe-MI requests/responses with their MIC checked."""
import os
import shutil
import subprocess

from mctp_common import LUA, Device, Results, expected_uuid


def tshark(pcap, *args):
    p = subprocess.run(["tshark", "-X", "lua_script:" + LUA, "-r", pcap] + list(args),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    return p.stdout.decode("utf-8", "replace")


def fields(pcap, flt, *names):
    args = ["-Y", flt, "-T", "fields"]
    for n in names:
        args += ["-e", n]
    return [line.split("\t") for line in tshark(pcap, *args).splitlines()]


def main():
    r = Results("interop_mctp_tshark")
    if not shutil.which("tshark"):
        r.check("tshark installed", False)
        r.done()
    with Device() as dev:
        cap = lambda name: os.path.join(dev.dir, name + ".pcap")
        dev.tool("--pcap", cap("setup"), "setup")
        dev.tool("--pcap", cap("echo"), "echo", "-n", "3", "-s", "1000", link="usb")
        dev.tool("--pcap", cap("bench"), "bench", "-n", "4")
        dev.tool("--pcap", cap("nvme"), "nvme-mi", "health")
        dev.tool("--pcap", cap("ident"), "nvme-mi", "identify", link="usb")

        with open(cap("setup"), "rb") as f:
            hdr = f.read(24)
        r.check("pcap: LINKTYPE_LINUX_SLL", hdr[20:24] == (113).to_bytes(4, "little"))

        rows = fields(cap("setup"), "mctpc", "mctp.src", "mctp.dst", "mctpc.rq", "mctpc.cmd",
                      "mctpc.cc")
        cmds = [(x[2], x[3]) for x in rows]
        r.check("setup: Get EID to EID 0", rows and rows[0][1] == "0" and
                rows[0][3] == "0x02", rows)
        for cmd, name in (("0x01", "Set EID"), ("0x05", "Get Message Types"),
                          ("0x06", "Get VDM Support"), ("0x03", "Get UUID")):
            r.check("setup: %s request and response" % name,
                    ("1", cmd) in cmds and ("0", cmd) in cmds, cmds)
        r.check("setup: every completion code is 0x00",
                all(x[4] == "0x00" for x in rows if x[2] == "0"), rows)
        setid = fields(cap("setup"), "mctpc.cmd == 0x01 && mctpc.rq == 0", "mctp.src")
        r.check("Set EID response comes from the new EID 9", setid and setid[0][0] == "9", setid)
        uu = fields(cap("setup"), "mctpc.uuid", "mctpc.uuid")
        r.check("UUID decoded", uu and uu[0][0] == expected_uuid(), uu)
        v = tshark(cap("setup"), "-O", "mctp,mctpc", "-Y", "mctpc.cmd == 0x05 && mctpc.rq == 0")
        for want in ("Header version: 1", "Tag owner: False", "Supported message type: "
                     "NVMe-MI (0x04)", "Completion code: Success (0x00)"):
            r.check("verbose: " + want, want in v, v[:2000])

        rows = fields(cap("echo"), "mctpv.subtype == 0xf0", "mctp.msg_len", "mctp.src")
        r.check("echo: 3 requests + 3 responses reassembled to 1004 bytes",
                len(rows) == 6 and all(x[0] == "1004" for x in rows), rows)
        frags = fields(cap("echo"), "mctp.fragment", "mctp.seq")
        r.check("echo: fragments with sequence numbers", len(frags) >= 18, frags[:5])

        rows = fields(cap("bench"), "mctpv.bench_magic == 0xbeca", "mctpv.bench_seq")
        r.check("bench: 4 data messages from seq 0xfffffffa",
                [x[0] for x in rows] == ["4294967290", "4294967291", "4294967292",
                                         "4294967293"], rows)
        rows = fields(cap("bench"), "mctpv.bench_cmd == 1", "mctpv.bench_size",
                      "mctpv.bench_count")
        r.check("bench: request with size 100, count 4", rows == [["100", "4"]], rows)

        rows = fields(cap("nvme"), "nvmemi", "nvmemi.ror", "nvmemi.nmimt", "nvmemi.mi_opcode",
                      "nvmemi.status", "nvmemi.mic_ok")
        r.check("NVMe-MI: health poll request (opcode 0x01) with a good MIC",
                ["0", "1", "0x01", "", "1"] in rows, rows)
        r.check("NVMe-MI: success response with a good MIC",
                ["1", "1", "", "0x00", "1"] in rows, rows)
        rows = fields(cap("ident"), "nvmemi", "nvmemi.nmimt", "nvmemi.admin_opcode",
                      "nvmemi.dlen", "mctp.msg_len", "nvmemi.mic_ok")
        r.check("NVMe-MI: admin Identify request, 4096 bytes asked",
                ["2", "0x06", "4096", "", "1"] in rows, rows)
        r.check("NVMe-MI: Identify response reassembled (20 + 4096 + MIC)",
                any(x[0] == "2" and x[3] == "4120" and x[4] == "1" for x in rows), rows)
    r.done()


if __name__ == "__main__":
    main()
