#!/usr/bin/env python3
"""Unmodified AF_MCTP programs through libafmctp.so: Debian's nvme-cli 2.3
(libnvme 1.3) sends NVMe-MI Identify / Get Log Page over the pty and the
USB socket; a Python AF_MCTP client (CPython's socket module calls libc,
so it goes through the preload too) exercises the rest of the ABI: echo
with MSG_PEEK|MSG_TRUNC, SIOCMCTPALLOCTAG/DROPTAG, the *2 ioctls -> EINVAL,
MCTP_OPT_ADDR_EXT, MSG_DONTWAIT and poll."""
import os
import shutil
import subprocess
import sys

from mctp_common import AFMCTP, Device, Results, expected_uuid

CLIENT = r'''
import errno, fcntl, os, select, socket, struct, sys
AF_MCTP, SOL_MCTP = 45, 285
s = socket.socket(AF_MCTP, socket.SOCK_DGRAM, 0)
def addr(eid, typ, tag):
    return struct.pack("<HHIBBBB", AF_MCTP, 0, 1, eid, typ, tag, 0)
# echo: type 0x7e, cc de f0 + payload, tag owner
payload = bytes([0xcc, 0xde, 0xf0]) + bytes(range(200)) * 3
try:
    s.recv(10, socket.MSG_DONTWAIT)
    print("dontwait: no EAGAIN")
except BlockingIOError:
    print("dontwait: EAGAIN")
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
buf = ctypes.create_string_buffer(payload)
a = ctypes.create_string_buffer(addr(9, 0x7e, 0x08))
n = libc.sendto(s.fileno(), buf, len(payload), 0, a, 12)
print("sent", n)
r, _, _ = select.select([s], [], [], 5)
print("poll readable", bool(r))
peek = ctypes.create_string_buffer(1)
n = libc.recvfrom(s.fileno(), peek, 1, socket.MSG_PEEK | socket.MSG_TRUNC, None, None)
print("peek len", n)
def rf(n, flags=0, alen=12):
    b = ctypes.create_string_buffer(n)
    sa = ctypes.create_string_buffer(64)
    sl = ctypes.c_uint32(alen)
    got = libc.recvfrom(s.fileno(), b, n, flags, sa, ctypes.byref(sl))
    return b.raw[:got], sa.raw[:sl.value]
data, frm = rf(65536)
fam, _, net, eid, typ, tag, _ = struct.unpack("<HHIBBBB", frm)
print("echo ok", data == payload, "from", eid, "type 0x%02x" % typ, "tag-owner", bool(tag & 8))
# preallocated tag
ctl = bytearray(struct.pack("BBH", 9, 0, 0))
fcntl.ioctl(s.fileno(), 0x89E0, ctl)
print("alloctag 0x%02x" % ctl[1])
n = libc.sendto(s.fileno(), buf, len(payload), 0,
                ctypes.create_string_buffer(addr(9, 0x7e, ctl[1])), 12)
data = s.recv(65536)
print("prealloc echo ok", data == payload)
fcntl.ioctl(s.fileno(), 0x89E1, ctl)
print("droptag ok")
for req in (0x89E2, 0x89E3):
    try:
        fcntl.ioctl(s.fileno(), req, bytearray(12))
        print("ioctl2 accepted")
    except OSError as e:
        print("ioctl 0x%x errno %s" % (req, errno.errorcode[e.errno]))
s.setsockopt(SOL_MCTP, 1, 1)
n = libc.sendto(s.fileno(), buf, 4, 0, a, 12)
data, frm = rf(100, 0, 64)
print("ext addr len", len(frm))
s.close()
'''


def nvme(dev, link, *args):
    env = dict(os.environ, LD_PRELOAD=AFMCTP)
    env.pop("KESTREL_MCTP_SERIAL", None)
    env.pop("KESTREL_MCTP_USB", None)
    if link == "serial":
        env["KESTREL_MCTP_SERIAL"] = dev.pty
    else:
        env["KESTREL_MCTP_USB"] = dev.usb
    p = subprocess.run(["nvme"] + list(args), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       env=env, timeout=30)
    return p.returncode, p.stdout.decode("utf-8", "replace")


def main():
    r = Results("interop_mctp_nvme_cli")
    if not shutil.which("nvme") or not os.path.exists(AFMCTP):
        r.check("nvme-cli installed and libafmctp.so built", False, AFMCTP)
        r.done()
    sn = expected_uuid().replace("-", "")[:12]
    with Device() as dev:
        rc, out = dev.tool("setup")
        r.check("kestrel-mctp assigns EID 9", rc == 0 and "eid: 9" in out, out)
        for link in ("serial", "usb"):
            rc, out = nvme(dev, link, "id-ctrl", "mctp:1,9")
            r.check("%s: nvme id-ctrl mctp:1,9" % link,
                    rc == 0 and "vid       : 0xccde" in out and "sn        : " + sn in out and
                    "Kestrel simulated NVMe" in out, out)
            rc, out = nvme(dev, link, "id-ctrl", "mctp:1,9", "-o", "json")
            r.check("%s: id-ctrl json" % link, rc == 0 and '"vid":52446' in out, out)
        dev.shell("nvme-mi temp 330")
        rc, out = nvme(dev, "usb", "smart-log", "mctp:1,9")
        r.check("smart-log shows the shell's 330 K", rc == 0 and "57°C (330 Kelvin)" in out, out)
        rc, out = nvme(dev, "serial", "id-ns", "mctp:1,9", "-n", "1")
        r.check("id-ns 1: 1 GiB of 4 KiB blocks", rc == 0 and "nsze    : 0x40000" in out, out)
        plain = subprocess.run(["nvme", "id-ctrl", "mctp:1,9"], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=30)
        r.check("without the preload nvme-cli cannot reach it", plain.returncode != 0)

        env = dict(os.environ, LD_PRELOAD=AFMCTP, KESTREL_MCTP_SERIAL=dev.pty)
        p = subprocess.run([sys.executable, "-c", CLIENT], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, env=env, timeout=30)
        out = p.stdout.decode()
        print(out)
        for want in ("dontwait: EAGAIN", "poll readable True", "peek len 603",
                     "echo ok True from 9 type 0x7e tag-owner False", "alloctag 0x1",
                     "prealloc echo ok True", "droptag ok", "ioctl 0x89e2 errno EINVAL",
                     "ioctl 0x89e3 errno EINVAL", "ext addr len 52"):
            r.check("AF_MCTP client: " + want, want in out, out)
        r.check("device still running", dev.alive())
    r.done()


if __name__ == "__main__":
    main()
