#!/usr/bin/env python3
"""ICMP against the Linux kernel: the device on a TAP in a fresh network
namespace; Linux pings it (plain, fragmented 4000-byte, 1000-packet flood),
and the device's shell pings Linux."""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import kestrel_netns as k  # noqa: E402


def loss(out):
    m = re.search(r"(\d+) packets transmitted, (\d+) received", out)
    return (int(m.group(1)), int(m.group(2))) if m else (0, -1)


res = k.Results("interop.ping")
with k.DeviceNet() as net:
    r = net.ns_run(["ping", "-c", "3", "-i", "0.2", "-W", "2", net.dev_ip], check=False)
    res.check("linux pings the device", loss(r.stdout) == (3, 3), r.stdout)
    r = net.ns_run(["ping", "-c", "3", "-i", "0.2", "-s", "4000", "-W", "2", net.dev_ip],
                   check=False)
    res.check("fragmented 4000-byte echo both ways", loss(r.stdout) == (3, 3)
              and "4008 bytes from" in r.stdout, r.stdout)
    r = net.ns_run(["ping", "-q", "-f", "-c", "1000", "-W", "1", net.dev_ip], check=False,
                   timeout=60)
    res.check("1000-packet flood, 0% loss", loss(r.stdout) == (1000, 1000), r.stdout)
    out = net.shell("ping %s -c 3" % net.linux_ip, timeout=20)
    res.check("device pings linux", re.search(r"3 packets transmitted, 3 received", out)
              is not None, out)
    r = net.ns_run(["ping", "-c", "1", "-W", "2", net.dev_ip], check=False)
    res.check("still answering afterwards", loss(r.stdout) == (1, 1), r.stdout)
res.done()
