#!/usr/bin/env python3
"""Interop: Debian's iperf3 client (3.12) against the device's iperf3
server (apps/iperf, port 5201) on a TAP in a fresh namespace.

`iperf3 -c DEV -t 2` (client sends), `-R` (device sends) and `-P 2`, each
with --json: the run completes, the client prints a bitrate, and the
bytes both ends counted agree; the device's `iperf` command shows the
last result. A second client while a test runs is refused (busy).
"""
import json
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import kestrel_netns as k  # noqa: E402

res = k.Results("interop.apps.iperf")
IP = "10.77.0.2"


def iperf3(net, args, timeout=40):
    return net.ns_run(["iperf3", "-c", IP, "--connect-timeout", "3000"] + args, check=False,
                      timeout=timeout, stderr=subprocess.PIPE)


def run_json(net, what, args, streams=1):
    r = iperf3(net, ["-t", "2", "--json"] + args)
    try:
        j = json.loads(r.stdout)
    except ValueError:
        res.check(what + ": completes with JSON", False, "rc %d: %s %s"
                  % (r.returncode, r.stdout[-500:], r.stderr[-300:]))
        return None
    end = j.get("end", {})
    sent = end.get("sum_sent", {})
    recv = end.get("sum_received", {})
    bps = recv.get("bits_per_second", 0)
    res.check("%s: completes, %.1f Mbit/s received" % (what, bps / 1e6),
              r.returncode == 0 and "error" not in j and bps > 1e6,
              "rc %d error %s" % (r.returncode, j.get("error")))
    res.check("%s: ran about 2 s (%.2f s)" % (what, recv.get("seconds", 0)),
              1.5 <= recv.get("seconds", 0) <= 4)
    srv = j.get("server_output_json") or {}
    # The sender counts what it wrote; what was still in its socket when the
    # test ended, or unread in the receiver's window, is never counted as
    # received: per connection up to Linux's send buffer (tcp_wmem, at most
    # 4 MiB) plus the device's 256 KiB window.
    res.check("%s: sender and receiver byte counts agree (%d / %d)"
              % (what, sent.get("bytes", 0), recv.get("bytes", 0)),
              0 < recv.get("bytes", 0) <= sent.get("bytes", 0) and
              sent.get("bytes", 0) - recv.get("bytes", 0) < streams * (4096 + 256) * 1024,
              str(srv)[:300])
    return j


def main():
    if not shutil.which("iperf3"):
        k.die("iperf3 is not installed (scripts/deps.sh test)")
    ver = subprocess.run(["iperf3", "--version"], stdout=subprocess.PIPE, text=True).stdout
    print("client:", ver.splitlines()[0] if ver else "?")
    with k.DeviceNet() as net:
        if "iperf: iperf3 server on port 5201" not in net.dev.out:
            k.die("the device did not start its iperf3 server:\n" + net.dev.out)
        r = iperf3(net, ["-t", "2"])
        res.check("iperf3 -c -t 2: plain output has a receiver bitrate",
                  r.returncode == 0 and "receiver" in r.stdout and "bits/sec" in r.stdout,
                  r.stdout[-600:] + r.stderr[-300:])
        print("\n".join(ln for ln in r.stdout.splitlines() if "sender" in ln or "receiver" in ln))
        run_json(net, "forward", [])
        run_json(net, "reverse -R", ["-R"])
        run_json(net, "parallel -P 2", ["-P", "2"], streams=2)
        # a second client while a 3 s test runs is refused, the first completes
        first = net.ns.popen(["iperf3", "-c", IP, "-t", "3", "--json"], stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True)
        time.sleep(1.0)
        r = iperf3(net, ["-t", "1"])
        out1 = first.communicate(timeout=30)[0]
        res.check("second client during a test is refused (busy)",
                  r.returncode != 0 and "busy" in (r.stdout + r.stderr).lower(),
                  r.stdout[-300:] + r.stderr[-300:])
        res.check("the first client still completes", first.returncode == 0 and
                  '"sum_received"' in out1, out1[-300:])
        out = net.shell("iperf")
        res.check("device `iperf` shows counters / last result",
                  any(w in out.lower() for w in ("tests", "bytes", "last")), out)
        print(out)
    res.done()


if __name__ == "__main__":
    main()
