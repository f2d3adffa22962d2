#!/usr/bin/env python3
"""Interop: the status page rendered by headless Chromium (Debian
`chromium`) from the hosted device on a TAP in a fresh namespace.

- a 1280x900 screenshot is saved as $KESTREL_BUILD_DIR/status-page.png
  (build/hosted/status-page.png under `make test`): a PNG of that size,
  not blank;
- the DOM is dumped twice a few seconds apart (--dump-dom with a virtual
  time budget so the page's scripts run): the clock is rendered in the
  device's time zone (started with --tz +05:30, so the card says
  UTC+05:30), close to the device's own `date`, and advances; the task table lists the
  tasks `ps` shows; the connection dot is green (the XHR worked).
"""
import datetime
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import kestrel_netns as k  # noqa: E402

res = k.Results("interop.web.status_page")
URL = "http://10.77.0.2/"
OUT_DIR = os.environ.get("KESTREL_BUILD_DIR", os.path.join(k.ROOT, "build", "hosted"))


def in_ns(ns_name):
    """Moves this process into the namespace (setns(2); os.setns needs Python 3.12)."""
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open("/run/netns/" + ns_name, os.O_RDONLY)
    if libc.setns(fd, 0x40000000) != 0:  # CLONE_NEWNET
        k.die("setns: errno %d" % ctypes.get_errno())
    os.close(fd)


def chromium(binary, profile, args):
    cmd = [binary, "--headless", "--disable-gpu", "--no-sandbox", "--hide-scrollbars",
           "--no-first-run", "--disable-extensions", "--user-data-dir=" + profile,
           "--virtual-time-budget=3000"] + args + [URL]
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          timeout=90, env=dict(os.environ, HOME=profile))


def dump(binary, profile):
    r = chromium(binary, profile, ["--dump-dom"])
    out = r.stdout
    clock = re.search(r'id="clock"[^>]*>([0-9]{2}):([0-9]{2}):([0-9]{2})<', out)
    date = re.search(r'id="date"[^>]*>([0-9]{4}-[0-9]{2}-[0-9]{2}) ', out)
    when = None
    if clock and date:
        when = datetime.datetime.strptime(date.group(1) + " " + ":".join(clock.groups()),
                                          "%Y-%m-%d %H:%M:%S")
    rows = re.findall(r'<tr><td>([^<]+)</td><td class="n">', out)
    dot_ok = re.search(r'id="link" class="dot"', out) is not None
    return out, when, rows, dot_ok, r.stderr


TZ = "+05:30"
TZ_DELTA = datetime.timedelta(hours=5, minutes=30)


def device_time(net):
    """The device's local time: its `date` in the time zone it was started with."""
    out = net.shell("date")
    m = re.search(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)" + re.escape(TZ), out)
    return datetime.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S") if m else None


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return struct.unpack(">II", head[16:24])


def main():
    binary = next((b for b in ("chromium", "chromium-browser") if shutil.which(b)), None)
    if binary is None:
        k.die("chromium is not installed (Debian package chromium; scripts/deps.sh test)")
    os.makedirs(OUT_DIR, exist_ok=True)
    png = os.path.join(OUT_DIR, "status-page.png")
    if os.path.exists(png):
        os.unlink(png)
    profile = tempfile.mkdtemp(prefix="kestrel-chromium-")
    try:
        with k.DeviceNet(extra=["--tz", TZ]) as net:
            in_ns(net.ns.name)
            r = chromium(binary, profile, ["--screenshot=" + png, "--window-size=1280,900"])
            size = png_size(png) if os.path.exists(png) else None
            res.check("screenshot %s is a 1280x900 PNG" % png, size == (1280, 900),
                      "size %s; chromium rc %d: %s" % (size, r.returncode, r.stderr[-500:]))
            res.check("screenshot is not blank (%d bytes)" % (os.path.getsize(png) if size else 0),
                      size is not None and os.path.getsize(png) > 30000)
            dev1 = device_time(net)
            _, t1, rows1, dot1, err1 = dump(binary, profile)
            time.sleep(3)
            dom2, t2, rows2, dot2, err2 = dump(binary, profile)
            dev2 = device_time(net)
            res.check("clock rendered in both dumps (%s, %s)" % (t1, t2),
                      t1 is not None and t2 is not None, err1[-300:] + err2[-300:])
            tz = re.search(r'id="tz"[^>]*>([^<]*)<', dom2)
            res.check("the card names the device's time zone (UTC%s)" % TZ,
                      tz is not None and tz.group(1) == "UTC" + TZ, tz and tz.group(0))
            utc = net.shell("date -u")
            m = re.search(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)Z", utc)
            res.check("device's date is its UTC time %s ahead" % TZ,
                      m is not None and dev2 is not None and abs(
                          (dev2 - TZ_DELTA - datetime.datetime.strptime(
                              m.group(1), "%Y-%m-%dT%H:%M:%S")).total_seconds()) <= 2,
                      "%r / %r" % (dev2, utc))
            if t1 and t2 and dev1 and dev2:
                res.check("clock advances between dumps (%s -> %s)" % (t1.time(), t2.time()),
                          2 <= (t2 - t1).total_seconds() <= 15)
                res.check("page clock agrees with the device's date (%s .. %s)"
                          % (dev1.time(), dev2.time()),
                          dev1 - datetime.timedelta(seconds=2) <= t1
                          and t2 <= dev2 + datetime.timedelta(seconds=5))
            ps = net.shell("ps")
            want = sorted(set(ln.split()[0] for ln in ps.splitlines()[2:]
                              if ln.strip() and not ln.startswith("NAME")))
            res.check("task table lists every task ps shows (%s)" % ", ".join(want),
                      len(want) > 3 and all(n in rows2 for n in want),
                      "rows %s" % rows2)
            res.check("connection indicator green (XHR to /api/status worked)", dot1 and dot2)
            res.check("network counters rendered", re.search(r"<td>ip_rx</td>", dom2) is not None)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    res.done()


if __name__ == "__main__":
    main()
