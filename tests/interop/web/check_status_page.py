#!/usr/bin/env python3
"""Renders the device status page in headless Chromium and checks it.

usage: check_status_page.py http://127.0.0.1:8080/ [--out status.png] [--chromium chromium]

Takes a screenshot (--screenshot), then dumps the DOM twice a few seconds
apart (--dump-dom, with a virtual-time budget so the page's scripts run)
and checks that the task table has rows and that the clock advanced.
For any URL by hand; CTest runs test_status_page.py (a TAP device).
"""
import argparse
import re
import shutil
import subprocess
import sys
import time


def chromium(binary, args, url):
    cmd = [binary, "--headless", "--disable-gpu", "--no-sandbox", "--hide-scrollbars",
           "--virtual-time-budget=3000"] + args + [url]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60)


def dump(binary, url):
    out = chromium(binary, ["--dump-dom"], url).stdout
    clock = re.search(r'id="clock"[^>]*>([0-9]{2}:[0-9]{2}:[0-9]{2})<', out)
    rows = re.findall(r"<tr><td>([^<]+)</td><td class=\"n\">", out)
    return out, clock.group(1) if clock else None, rows


def main():
    p = argparse.ArgumentParser()
    p.add_argument("url")
    p.add_argument("--out", default="status.png")
    p.add_argument("--chromium", default=None)
    a = p.parse_args()
    binary = a.chromium or next((b for b in ("chromium", "chromium-browser", "google-chrome")
                                 if shutil.which(b)), None)
    if binary is None:
        print("FAIL: no chromium found (Debian package chromium)")
        sys.exit(1)
    fails = 0
    chromium(binary, ["--screenshot=" + a.out, "--window-size=1280,900"], a.url)
    print("screenshot:", a.out)
    _, c1, rows1 = dump(binary, a.url)
    time.sleep(3)
    _, c2, rows2 = dump(binary, a.url)
    for name, ok in (("clock rendered", c1 is not None and c2 is not None),
                     ("clock advances (%s -> %s)" % (c1, c2), c1 is not None and c2 is not None and c2 > c1),
                     ("task table has rows (%s)" % ", ".join(rows2[:6]), len(rows2) > 0),
                     ("idle task listed", "idle" in rows1 or "idle" in rows2)):
        print("%s %s" % ("ok  " if ok else "FAIL", name))
        fails += not ok
    sys.exit(1 if fails else 0)


if __name__ == "__main__":
    main()
