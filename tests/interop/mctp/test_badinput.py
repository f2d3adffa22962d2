#!/usr/bin/env python3
"""Hostile input on both links: random bytes and malformed DSP0253 frames on
the pty, malformed DSP0283 transfers on the USB socket, NVMe-MI requests
with a bad MIC or without IC. The device must keep answering and count
every drop where `mctp` / `nvme-mi` show it."""
import os
import random
import socket
import termios
import tty

from mctp_common import Device, Results, counter

GET_EID_PHYS = bytes.fromhex("7e 01 07 01 00 08 c8 00 80 02 2b c1 7e")


def serial_garbage(pty):
    rnd = random.Random(7)
    fd = os.open(pty, os.O_RDWR | os.O_NOCTTY)
    tty.setraw(fd)
    frames = [
        bytes(rnd.randrange(256) for _ in range(20000)),           # noise
        bytes.fromhex("7e 01 07 01 00 08 c8 00 80 02 2b c2 7e"),   # bad FCS
        bytes.fromhex("7e 02 07 01 00 08 c8 00 80 02 2b c1 7e"),   # bad revision
        bytes.fromhex("7e 01 07 01 00 08 7d 11 80 02 2b c1 7e"),   # bad escape
        bytes.fromhex("7e 01 ff") + bytes(300) + b"\x7e",          # byte_count beyond MTU
        bytes.fromhex("7e 01 07 01 00 08 c8 7e"),                  # cut short
        bytes.fromhex("7e 01 02 01 00 11 22 7e"),                  # too short for a header
    ]
    for f in frames:
        os.write(fd, f)
    termios.tcdrain(fd)
    os.close(fd)


def usb_garbage(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.connect(path)
    xfers = [
        bytes.fromhex("1a b5 00 0d 01 09 08 c8 7e cc de f0 00"),   # bad DMTF id
        bytes.fromhex("1a b4 01 0d 01 09 08 c8 7e cc de f0 00"),   # reserved byte set
        bytes.fromhex("1a b4 00 03 01 09 08"),                     # len < 5
        bytes.fromhex("1a b4 00 ff 01 09 08 c8 7e"),               # len past the end
        bytes(600),                                                # oversize transfer
        bytes.fromhex("1a b4 00 09 02 00 08 c8 00"),               # header version 2
    ]
    for x in xfers:
        s.send(x)
    s.close()


def main():
    r = Results("interop_mctp_badinput")
    with Device() as dev:
        rc, out = dev.tool("setup")
        r.check("setup before the abuse", rc == 0, out)
        serial_garbage(dev.pty)
        usb_garbage(dev.usb)
        rc, out = dev.tool("setup")
        r.check("serial link still answers after garbage", rc == 0 and "eid: 9" in out, out)
        rc, out = dev.tool("echo", "-n", "200", "-s", "random", link="usb")
        r.check("usb link still echoes after bad transfers", rc == 0 and "200 ok" in out, out)

        # NVMe-MI subsystem health poll with a corrupted MIC, and with IC clear
        req = "84 08 00 00 01 00 00 00 00 00 00 00 00 00 00 00".split()
        rc, out = dev.tool("--timeout", "300", "nvme-mi", "raw", "--no-mic", *(req + ["de", "ad",
                                                                                     "be", "ef"]))
        r.check("bad MIC: no response", rc != 0 and "no response" in out, out)
        rc, out = dev.tool("nvme-mi", "raw", "04", *req[1:])
        r.check("IC clear: no response", rc != 0 and "no response" in out, out)
        rc, out = dev.tool("nvme-mi", "raw", *req)
        r.check("good MIC: answered", rc == 0 and "response (20 bytes): 84 88 00 00 00" in out, out)
        rc, out = dev.tool("nvme-mi", "raw", "84", "08", "00", "00", "7f", *req[5:])
        r.check("unknown opcode: status 03",
                rc == 0 and "84 88 00 00 03" in out, out)

        sh = dev.shell("mctp")
        for name in ("bad-fcs", "bad-rev", "bad-esc", "overlong", "short", "noise", "bad-id",
                     "bad-len", "trunc", "oversize"):
            r.check("mctp counter %s > 0" % name, counter(sh, name) > 0, sh)
        r.check("mctp drops counted", counter(sh, "drops") > 5, sh)
        r.check("version drop counted", counter(sh, "version") > 0, sh)
        sh = dev.shell("nvme-mi")
        r.check("nvme-mi counts the bad MIC", counter(sh, "bad-mic") == 1, sh)
        r.check("nvme-mi counts the missing IC", counter(sh, "no-ic") == 1, sh)
        rc, out = dev.tool("nvme-mi", "health")
        r.check("NVMe-MI still answers", rc == 0 and "35 C" in out, out)
        r.check("device still running", dev.alive())
    r.done()


if __name__ == "__main__":
    main()
