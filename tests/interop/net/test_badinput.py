#!/usr/bin/env python3
"""Malformed and hostile traffic from scapy: truncated and oversized
headers, bad checksums, IP options, overlapping and endless fragments, TCP
option garbage and a 10 000-SYN flood. Afterwards the device must still
answer ping and accept a connection, and its pbuf pool must be back to
where it started."""
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import kestrel_netns as k  # noqa: E402

SCAPY = r"""
import sys, random
from scapy.all import *
conf.verb = 0
dev, tap = sys.argv[1], sys.argv[2]
mac = getmacbyip(dev) or 'ff:ff:ff:ff:ff:ff'
src = get_if_addr(tap)
E = Ether(dst=mac, src=get_if_hwaddr(tap))
pk = []
good = bytes(E / IP(src=src, dst=dev) / ICMP())
# truncated frames and headers
for n in range(0, len(good)):
    pk.append(good[:n])
pk.append(bytes(E / IP(src=src, dst=dev, ihl=4) / ICMP()))
pk.append(bytes(E / IP(src=src, dst=dev, ihl=15) / ICMP()))
pk.append(bytes(E / IP(src=src, dst=dev, len=60000) / ICMP()))
pk.append(bytes(E / IP(src=src, dst=dev, len=10) / ICMP()))
pk.append(bytes(E / IP(src=src, dst=dev, chksum=0x1234) / ICMP()))
pk.append(bytes(E / IP(src=src, dst=dev, version=6) / ICMP()))
pk.append(bytes(E / IP(src=src, dst=dev, options=[IPOption(b'\x83\x03\x10')]) / ICMP()))
pk.append(bytes(E / IP(src=src, dst=dev, options=[IPOption(b'\x44\x00')]) / ICMP()))
pk.append(bytes(E / IP(src=src, dst=dev) / ICMP(chksum=1)))
pk.append(bytes(E / IP(src=src, dst=dev) / UDP(dport=7, chksum=1) / b'x'))
pk.append(bytes(E / IP(src=src, dst=dev) / UDP(dport=7, len=4000) / b'x'))
pk.append(bytes(E / IP(src=src, dst=dev) / UDP(dport=7, len=3) / b'x'))
pk.append(bytes(E / ARP(op=1, pdst=dev, psrc=src, hwlen=200)))
pk.append(bytes(E / ARP(op=2, pdst=dev, psrc='0.0.0.0')))
# TCP option garbage
for opts in [b'\x02\x00', b'\x02\x01', b'\x03\x03', b'\x08\x0a' + b'\x00' * 4, b'\x02',
             b'\x01' * 39 + b'\x02', b'\xff\xff' * 10, b'\x02\x28' + b'\x00' * 38]:
    t = TCP(dport=7, flags='S', seq=1000)
    raw_opts = opts + b'\x00' * ((4 - len(opts) % 4) % 4)
    t.dataofs = min(15, 5 + len(raw_opts) // 4)
    pk.append(bytes(E / IP(src=src, dst=dev) / bytes(t)[:20] / raw_opts[:40]))
pk.append(bytes(E / IP(src=src, dst=dev) / TCP(dport=7, flags='S', dataofs=15)))
pk.append(bytes(E / IP(src=src, dst=dev) / TCP(dport=7, flags='S', dataofs=2)))
pk.append(bytes(E / IP(src=src, dst=dev) / TCP(dport=7, flags='FSRPAU')))
# overlapping fragments
payload = bytes(ICMP(id=7, seq=1) / (b'A' * 2000))
frags = fragment(IP(src=src, dst=dev, proto=1, id=4242) / payload[8:], fragsize=800)
for f in frags:
    pk.append(bytes(E / f))
for off in range(0, 400, 8):
    pk.append(bytes(E / IP(src=src, dst=dev, proto=1, id=4243, flags='MF', frag=off // 8) /
                    (b'B' * 64)))
# endless fragments: ids that never complete
for i in range(2000):
    pk.append(bytes(E / IP(src=src, dst=dev, proto=17, id=10000 + i, flags='MF',
                          frag=random.randint(0, 100)) / (b'C' * 64)))
# random junk
rnd = random.Random(5)
for i in range(500):
    pk.append(bytes(E) + bytes(rnd.getrandbits(8) for _ in range(rnd.randint(0, 200))))
sendp([Raw(p) for p in pk], iface=tap, verbose=0)
# SYN flood from spoofed sources
syns = [E / IP(src='10.77.%d.%d' % (1 + i // 250, 1 + i % 250), dst=dev) /
        TCP(sport=1024 + i % 60000, dport=7, flags='S', seq=i) for i in range(10000)]
sendp(syns, iface=tap, verbose=0)
print('sent', len(pk) + len(syns))
"""


def pool_used(net):
    out = net.shell("netstat")
    m = re.search(r"(?i)pbuf[^\n]*?(\d+)\s*/\s*(\d+)", out)
    return (int(m.group(1)) if m else -1), out


res = k.Results("interop.badinput")
with k.DeviceNet() as net:
    net.ns_run(["ping", "-c", "1", "-W", "2", net.dev_ip], check=False)
    base, out0 = pool_used(net)
    r = net.ns_run([k.PYTHON, "-c", SCAPY, net.dev_ip, net.tap], check=False, timeout=600)
    res.check("scapy sent the hostile traffic", "sent" in r.stdout, r.stdout[-2000:])
    time.sleep(3)
    res.check("device still running", net.dev.proc.poll() is None)
    r = net.ns_run(["ping", "-c", "3", "-i", "0.2", "-W", "2", net.dev_ip], check=False)
    res.check("still answers ping", " 0% packet loss" in r.stdout, r.stdout)
    r = net.ns_run([k.PYTHON, "-c",
                    "import socket,sys; s=socket.create_connection((sys.argv[1],7),timeout=10);"
                    "s.sendall(b'alive'); print(s.recv(10))", net.dev_ip], check=False)
    res.check("accepts a legitimate connection", "alive" in r.stdout, r.stdout)
    time.sleep(65)  # let reassembly and SYN-cache entries time out
    now, out = pool_used(net)
    res.check("pbuf pool back to its baseline", base >= 0 and now == base,
              "baseline %d now %d\n%s" % (base, now, out[-1500:]))
res.done()
