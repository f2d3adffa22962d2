#!/usr/bin/env python3
"""Interop: the timesync service keeps the device's clock set from chronyd,
and --tz / `tz` change what `date` prints.

1. --ntp 10.77.0.1 --ntp-period 20 --tz +05:30, static address. The clock
   is set wrong (2001) before chronyd runs; nobody types ntpdate or
   `timesync now`: the service's retries reach chronyd once it serves and
   `date` agrees with Linux, printed as local time at +05:30. Set wrong
   again, the next periodic sync (20 s) repairs it. `date -u`, `tz -08:00`
   and `timesync` (server, stratum, next attempt) are checked too.
2. No --ntp, address by DHCP from dnsmasq with option 42 = 10.77.0.1: the
   service takes the lease's NTP server and sets the (wrong) clock.
"""
import datetime
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import kestrel_netns as k  # noqa: E402

res = k.Results("interop.timesync")
DATE_RX = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(Z|[+-]\d\d:\d\d)")
WRONG = "2001-02-03T04:05:06Z"


def dev_date(net, cmd="date"):
    """The device's `date` as an aware datetime, the zone text, and the output."""
    out = net.shell(cmd)
    m = DATE_RX.search(out)
    if not m:
        return None, None, out
    zone = m.group(2)
    if zone == "Z":
        tz = datetime.timezone.utc
    else:
        sign = -1 if zone[0] == "-" else 1
        tz = datetime.timezone(sign * datetime.timedelta(hours=int(zone[1:3]),
                                                         minutes=int(zone[4:6])))
    d = datetime.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S").replace(tzinfo=tz)
    return d, zone, out


def skew(d):
    if d is None:
        return 1e9
    return abs((d - datetime.datetime.now(datetime.timezone.utc)).total_seconds())


def wait_console(net, pattern, since, timeout):
    """Waits for a boot-log/console line in the device output after index since."""
    rx = re.compile(pattern)
    deadline = time.time() + timeout
    while time.time() < deadline:
        m = rx.search(net.dev.out, since)
        if m:
            return m
        net.dev._read(0.5)
    return None


def start_chronyd(net, tmp):
    conf = os.path.join(tmp, "chrony.conf")
    with open(conf, "w") as f:
        f.write("allow all\nlocal stratum 8\nbindaddress 10.77.0.1\nport 123\n"
                "driftfile %s/drift\npidfile %s/chronyd.pid\ncmdport 0\n" % (tmp, tmp))
    return net.ns.popen(["chronyd", "-d", "-x", "-f", conf],
                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def stop(proc):
    proc.kill()
    proc.wait()


def static_with_ntp_and_tz(tmp):
    extra = ["--ntp", "10.77.0.1", "--ntp-period", "20", "--tz", "+05:30"]
    with k.DeviceNet(extra=extra) as net:
        boot = net.dev.out
        res.check("boot log names the server and the zone",
                  "timesync: SNTP from 10.77.0.1 every 20 s; time zone UTC+05:30" in boot,
                  boot[-800:])
        out = net.shell("date -s " + WRONG)
        d, zone, _ = dev_date(net, "date -u")
        res.check("clock set wrong before chronyd runs (%s)" % d,
                  d is not None and d.year == 2001, out)
        since = len(net.dev.out)
        chrony = start_chronyd(net, tmp)
        try:
            # retries: 5, 10, 20 s after failures; chronyd needs a moment to serve
            m = wait_console(net, r"timesync: clock set from 10\.77\.0\.1, stratum (\d+), "
                                  r"offset \+(\d+)\.\d+ s", since, 90)
            res.check("synced by itself (%s)" % (m and m.group(0)),
                      m is not None and m.group(1) == "8" and int(m.group(2)) > 500000000,
                      net.dev.out[since:][-1500:])
            d, zone, out = dev_date(net)
            res.check("date is local time at +05:30 (%s)" % (d and d.isoformat()),
                      zone == "+05:30", out)
            res.check("date agrees with Linux (%.1f s off)" % skew(d), skew(d) <= 2.0, out)
            d, zone, out = dev_date(net, "date -u")
            res.check("date -u prints UTC and agrees (%.1f s off)" % skew(d),
                      zone == "Z" and skew(d) <= 2.0, out)
            out = net.shell("timesync")
            res.check("timesync: synced, server 10.77.0.1, stratum 8, next within 20 s",
                      "timesync: synced" in out and
                      re.search(r"from 10\.77\.0\.1, stratum 8\n", out) is not None and
                      re.search(r"next: +in (1?\d|20) s \(every 20 s\)", out) is not None and
                      "servers:   10.77.0.1 (configured)" in out, out)
            res.check("timesync shows the last sync in local time",
                      re.search(r"last sync: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+05:30", out)
                      is not None, out)

            # set wrong again: the periodic sync (every 20 s) repairs it
            net.shell("date -s " + WRONG)
            since = len(net.dev.out)
            m = wait_console(net, r"timesync: clock set from 10\.77\.0\.1", since, 30)
            d, zone, out = dev_date(net)
            res.check("periodic sync repairs a wrong clock (%.1f s off)" % skew(d),
                      m is not None and skew(d) <= 2.0, out)

            out = net.shell("tz -08:00")
            d, zone, out2 = dev_date(net)
            res.check("tz -08:00: date prints -08:00 and the same instant (%s)"
                      % (d and d.isoformat()),
                      "UTC-08:00" in out and zone == "-08:00" and skew(d) <= 2.0, out + out2)
            out = net.shell("tz UTC")
            d, zone, out2 = dev_date(net)
            res.check("tz UTC: date ends in Z again", zone == "Z" and skew(d) <= 2.0, out2)
        finally:
            stop(chrony)


def dhcp_option_42(tmp):
    with k.DeviceNet(static=False) as net:
        net.shell("date -s " + WRONG)
        out = net.shell("timesync")
        res.check("before a lease: idle, no server",
                  "timesync: idle" in out and "servers:   none" in out, out)
        lease = os.path.join(tmp, "leases")
        dnsmasq = net.ns.popen(["dnsmasq", "--no-daemon", "--conf-file=/dev/null",
                                "--interface=" + net.tap, "--bind-interfaces",
                                "--dhcp-range=10.77.0.50,10.77.0.60,255.255.255.0,120",
                                "--dhcp-leasefile=" + lease, "--no-resolv", "--no-hosts",
                                "--dhcp-option=option:ntp-server,10.77.0.1", "--port=0"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        chrony = start_chronyd(net, tmp)
        try:
            m = net.dev.expect(r"DHCP lease (10\.77\.0\.\d+)/", 60)
            since = m.end()
            m = wait_console(net, r"timesync: clock set from 10\.77\.0\.1, stratum 8", since,
                             90)
            res.check("synced from the lease's NTP server by itself", m is not None,
                      net.dev.out[since:][-1500:])
            d, zone, out = dev_date(net)
            res.check("date agrees with Linux (%.1f s off)" % skew(d), skew(d) <= 2.0, out)
            out = net.shell("timesync")
            res.check("timesync names the DHCP server",
                      "servers:   10.77.0.1 (DHCP option 42)" in out and
                      "timesync: synced" in out, out)
        finally:
            stop(dnsmasq)
            stop(chrony)


def main():
    for tool in ("chronyd", "dnsmasq"):
        if not shutil.which(tool):
            k.die("%s is not installed (scripts/deps.sh test)" % tool)
    tmp = tempfile.mkdtemp(prefix="kestrel-timesync-")
    try:
        for name, scenario in (("a", static_with_ntp_and_tz), ("b", dhcp_option_42)):
            os.mkdir(os.path.join(tmp, name))
            scenario(os.path.join(tmp, name))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    res.done()


if __name__ == "__main__":
    main()
