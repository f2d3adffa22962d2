#!/usr/bin/env python3
"""Interop: the device's wall clock from SNTP against chronyd.

The device (TAP in a fresh namespace) has its clock set wrong on purpose
(`date -s 2001-02-03T04:05:06Z`), then `ntpdate 10.77.0.1` against chronyd
running on the Linux side; afterwards `date` on the device agrees with
Linux's clock within 2 s, keeps advancing, and /api/status reports the
same time.
"""
import datetime
import json
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

res = k.Results("interop.apps.time")


def dev_date(net):
    out = net.shell("date")
    m = re.search(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)Z", out)
    if not m:
        return None, out
    return datetime.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S").replace(
        tzinfo=datetime.timezone.utc), out


def main():
    if not shutil.which("chronyd"):
        k.die("chronyd is not installed (Debian package chrony; scripts/deps.sh test)")
    tmp = tempfile.mkdtemp(prefix="kestrel-time-")
    conf = os.path.join(tmp, "chrony.conf")
    with open(conf, "w") as f:
        f.write("allow all\nlocal stratum 8\nbindaddress 10.77.0.1\nport 123\n"
                "driftfile %s/drift\npidfile %s/chronyd.pid\ncmdport 0\n" % (tmp, tmp))
    try:
        with k.DeviceNet() as net:
            chrony = net.ns.popen(["chronyd", "-d", "-x", "-f", conf],
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            try:
                net.shell("date -s 2001-02-03T04:05:06Z")
                d, out = dev_date(net)
                res.check("date -s sets a wrong clock (%s)" % d, d is not None and d.year == 2001,
                          out)
                out = ""
                for _ in range(15):  # chronyd needs a moment before it serves time
                    out = net.shell("ntpdate 10.77.0.1", 20)
                    if re.search(r"(?i)offset", out):
                        break
                    time.sleep(1)
                res.check("ntpdate against chronyd", re.search(r"(?i)offset", out) is not None, out)
                d, out = dev_date(net)
                now = datetime.datetime.now(datetime.timezone.utc)
                skew = abs((d - now).total_seconds()) if d else 1e9
                res.check("date after ntpdate agrees with Linux (%.1f s off)" % skew, skew <= 2.0,
                          "%s vs %s" % (out, now))
                time.sleep(2.2)
                d2, out2 = dev_date(net)
                res.check("the clock keeps running (%s -> %s)" % (d and d.time(), d2 and d2.time()),
                          d and d2 and 1 <= (d2 - d).total_seconds() <= 4, out2)
                r = net.ns_run(["curl", "-sS", "-m", "5", "http://10.77.0.2/api/status"],
                               check=False)
                try:
                    t = json.loads(r.stdout)["time"]
                    api = datetime.datetime.strptime(t[:19], "%Y-%m-%dT%H:%M:%S").replace(
                        tzinfo=datetime.timezone.utc)
                    skew = abs((api - datetime.datetime.now(datetime.timezone.utc))
                               .total_seconds())
                    res.check("/api/status time agrees (%s, %.1f s off)" % (t, skew), skew <= 2.0)
                except (ValueError, KeyError) as e:
                    res.check("/api/status time", False, "%s: %s" % (e, r.stdout[:200]))
            finally:
                chrony.kill()
                chrony.wait()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    res.done()


if __name__ == "__main__":
    main()
