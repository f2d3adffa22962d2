#!/usr/bin/env python3
"""TCP against the Linux kernel: 20 MB of random data through the device's
echo service (port 7) so each byte crosses the link both ways, SHA-256
compared, with the TAP's offloads on (the default: 64 KiB segments both
ways, checksums completed by the kernel) and off (plain 1518-byte frames);
many concurrent connections; half-close; RST handling; and the same bulk
transfer with the fault layer dropping, reordering and duplicating frames
(which turns the offloads off)."""
import hashlib
import os
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import kestrel_netns as k  # noqa: E402

MB = 1024 * 1024


def in_ns(ns_name):
    """Moves this process into the namespace (setns(2); os.setns needs Python 3.12)."""
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open("/run/netns/" + ns_name, os.O_RDONLY)
    if libc.setns(fd, 0x40000000) != 0:  # CLONE_NEWNET
        k.die("setns: errno %d" % ctypes.get_errno())
    os.close(fd)


def echo_transfer(ip, size, timeout=120):
    """Sends size random bytes to ip:7 while reading them back; returns (sent, recv) digests."""
    data = os.urandom(size)
    s = socket.create_connection((ip, 7), timeout=timeout)
    got = hashlib.sha256()
    n = [0]

    def reader():
        while n[0] < size:
            b = s.recv(65536)
            if not b:
                break
            got.update(b)
            n[0] += len(b)

    t = threading.Thread(target=reader)
    t.start()
    view = memoryview(data)
    for i in range(0, size, 65536):
        s.sendall(view[i:i + 65536])
    t.join(timeout)
    s.close()
    return hashlib.sha256(data).hexdigest(), got.hexdigest(), n[0]


def concurrent(ip, count):
    ok = [0]
    lock = threading.Lock()

    def one(i):
        try:
            with socket.create_connection((ip, 7), timeout=20) as c:
                msg = (b"conn %d " % i) * 50
                c.sendall(msg)
                buf = b""
                while len(buf) < len(msg):
                    b = c.recv(4096)
                    if not b:
                        break
                    buf += b
                if buf == msg:
                    with lock:
                        ok[0] += 1
        except OSError:
            pass

    ts = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(60)
    return ok[0]


def half_close(ip):
    with socket.create_connection((ip, 7), timeout=10) as c:
        c.sendall(b"half-close works")
        c.shutdown(socket.SHUT_WR)
        buf = b""
        while True:
            b = c.recv(4096)
            if not b:
                break
            buf += b
        return buf == b"half-close works"


def refused(ip):
    try:
        socket.create_connection((ip, 4444), timeout=5).close()
        return False
    except ConnectionRefusedError:
        return True
    except OSError:
        return False


def rst_mid_stream(ip):
    """Linux resets a connection mid-transfer; the device must survive it."""
    c = socket.create_connection((ip, 7), timeout=10)
    c.sendall(os.urandom(100000))
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    c.close()  # linger 0: RST
    time.sleep(0.5)
    return concurrent(ip, 1) == 1


OFFLOAD_ON = "(offloads: checksum, TSO, LRO)"
OFFLOAD_OFF = "(no offloads)"

res = k.Results("interop.tcp")
with k.DeviceNet() as net:
    in_ns(net.ns.name)
    res.check("TAP offloads on by default", OFFLOAD_ON in net.dev.out, net.dev.out[-2000:])
    want, got, n = echo_transfer(net.dev_ip, 20 * MB)
    res.check("20 MB each way through echo, SHA-256 identical", want == got,
              "%d bytes back" % n)
    res.check("20 concurrent connections", concurrent(net.dev_ip, 20) == 20)
    res.check("half-close: data still echoed after our FIN", half_close(net.dev_ip))
    res.check("closed port answers RST (ECONNREFUSED)", refused(net.dev_ip))
    res.check("RST from Linux mid-stream, device keeps serving", rst_mid_stream(net.dev_ip))
    out = net.shell("netstat")
    res.check("netstat lists TCP state", "LISTEN" in out, out[-2000:])

with k.DeviceNet(extra=["--net", "tap:ktap0,offload=off"]) as net:
    in_ns(net.ns.name)
    res.check("offload=off: plain frames", OFFLOAD_OFF in net.dev.out, net.dev.out[-2000:])
    want, got, n = echo_transfer(net.dev_ip, 20 * MB)
    res.check("offload=off: 20 MB each way through echo, SHA-256 identical", want == got,
              "%d bytes back" % n)

with k.DeviceNet(extra=["--fault", "drop=5,reorder=5,dup=1,seed=42"]) as net:
    in_ns(net.ns.name)
    res.check("--fault turns the offloads off", OFFLOAD_OFF in net.dev.out, net.dev.out[-2000:])
    want, got, n = echo_transfer(net.dev_ip, 4 * MB, timeout=240)
    res.check("4 MB each way with 5% loss, 5% reorder, 1% dup: intact", want == got,
              "%d bytes back" % n)
res.done()
