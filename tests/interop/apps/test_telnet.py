#!/usr/bin/env python3
"""Interop: the telnet server (apps/telnetd) against the Debian telnet client.

1. A device with no password refuses logins; `passwd PW` + `passwd --hash`
   on its console give the hash, which is checked independently here
   (PBKDF2-HMAC-SHA256 with hashlib) and written to a file.
2. A second device boots with --telnet-hash-file FILE ("password
   provisioned"). With python3-pexpect driving /usr/bin/telnet: log in as
   admin, `ps` lists the tasks, Ctrl-D ends with "bye".
3. A raw socket client (IAC-aware) floods 100 000 option requests, AYT and
   subnegotiations, and still logs in on the same connection and runs
   `ps`; the password is never echoed.
4. Wrong passwords are rejected ("Login incorrect", 3 tries then closed);
   after 5 failures from 10.77.0.1 even the right password is refused
   with "too many failed logins"; 10.77.0.3 can still log in.
"""
import hashlib
import hmac
import os
import re
import shutil
import socket
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import kestrel_netns as k  # noqa: E402

res = k.Results("interop.apps.telnet")
IP = "10.77.0.2"
PW = "kestrel-Tel%d" % os.getpid()
IAC, DONT, DO, WONT, WILL, SB, SE, AYT = 255, 254, 253, 252, 251, 250, 240, 246


def in_ns(ns_name):
    """Moves this process into the namespace (setns(2); os.setns needs Python 3.12)."""
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open("/run/netns/" + ns_name, os.O_RDONLY)
    if libc.setns(fd, 0x40000000) != 0:  # CLONE_NEWNET
        k.die("setns: errno %d" % ctypes.get_errno())
    os.close(fd)


class RawTelnet:
    """A telnet client that answers nothing and strips commands from the data."""

    def __init__(self, src=None, timeout=40):
        self.s = socket.socket()
        if src:
            self.s.bind((src, 0))
        self.s.settimeout(timeout)
        self.s.connect((IP, 23))
        self.text = b""
        self.cmds = 0
        self.state = 0  # 0 data, 1 after IAC, 2 option byte, 3 in SB, 4 IAC in SB
        self.closed = False

    def _feed(self, data):
        for b in data:
            if self.state == 0:
                if b == IAC:
                    self.state = 1
                else:
                    self.text += bytes([b])
            elif self.state == 1:
                if b == IAC:
                    self.text += b"\xff"
                    self.state = 0
                elif b in (WILL, WONT, DO, DONT):
                    self.state = 2
                elif b == SB:
                    self.state = 3
                else:
                    self.state = 0
                self.cmds += 1
            elif self.state == 2:
                self.state = 0
            elif self.state == 3:
                self.state = 4 if b == IAC else 3
            else:
                self.state = 0 if b == SE else 3

    def expect(self, pattern, timeout=40):
        """Reads until the regex matches the text received so far; returns the match or None."""
        deadline = time.time() + timeout
        rx = re.compile(pattern)
        while True:
            m = rx.search(self.text)
            if m:
                return m
            if self.closed or time.time() > deadline:
                return None
            self.s.settimeout(max(0.1, deadline - time.time()))
            try:
                data = self.s.recv(65536)
            except socket.timeout:
                return None
            except OSError:
                data = b""
            if not data:
                self.closed = True
            self._feed(data)

    def send(self, data):
        self.s.sendall(data)

    def wait_closed(self, timeout=40):
        self.expect(rb"(?!x)x", timeout)
        return self.closed

    def close(self):
        self.s.close()


def verify_hash(line, pw):
    """Checks '$pbkdf2-sha256$ITER$SALT$DK' against pw with hashlib."""
    m = re.match(r"\$pbkdf2-sha256\$(\d+)\$([0-9a-f]{32})\$([0-9a-f]{64})$", line)
    if not m:
        return False
    dk = hashlib.pbkdf2_hmac("sha256", pw.encode(), bytes.fromhex(m.group(2)), int(m.group(1)))
    return hmac.compare_digest(dk.hex(), m.group(3))


def provision(tmp):
    with k.DeviceNet() as net:
        in_ns_name = net.ns.name
        r = RawTelnet_in(in_ns_name)
        m = r.expect(rb"login disabled: no password set", 10)
        res.check("no password: login disabled", m is not None, repr(r.text[-200:]))
        res.check("no password: connection closed", r.wait_closed(5))
        r.close()
        out = net.shell("passwd " + PW)
        res.check("console passwd sets the password", "rror" not in out and "usage" not in out, out)
        out = net.shell("passwd --hash")
        m = re.search(r"\$pbkdf2-sha256\$[^\s]+", out)
        line = m.group(0) if m else ""
        res.check("passwd --hash prints $pbkdf2-sha256$10000$...", line.startswith(
            "$pbkdf2-sha256$10000$"), out)
        res.check("the hash verifies with Python's hashlib PBKDF2", verify_hash(line, PW), line)
        res.check("the hash does not verify another password", not verify_hash(line, PW + "x"))
    path = os.path.join(tmp, "telnet.hash")
    with open(path, "w") as f:
        f.write(line + "\n")
    return path


_entered = []


def RawTelnet_in(ns_name, src=None):
    """A RawTelnet from inside namespace ns_name (this process moves there once)."""
    if ns_name not in _entered:
        in_ns(ns_name)
        _entered.append(ns_name)
    return RawTelnet(src)


def pexpect_login(pexpect):
    t = pexpect.spawn("telnet", [IP], timeout=20, encoding="utf-8", codec_errors="replace")
    try:
        t.expect("Kestrel .* telnet")
        t.expect("login: ")
        t.sendline("admin")
        t.expect("Password: ")
        t.sendline(PW)
        t.expect("Welcome.")
        t.expect("kestrel> ")
        res.check("telnet client: logged in as admin", True)
        t.sendline("ps")
        t.expect("kestrel> ")
        ps = t.before
        res.check("telnet client: ps lists the tasks (telnet, httpd, idle)",
                  all(re.search(r"^%s\s+\d+" % n, ps, re.M) for n in ("telnet", "httpd", "idle"))
                  and "NAME" in ps, ps)
        t.sendline("uptime")
        t.expect("kestrel> ")
        res.check("telnet client: uptime", re.search(r"\d", t.before) is not None, t.before)
        res.check("telnet client: password never shown", PW not in ps + t.before)
        t.sendcontrol("d")
        t.expect("bye")
        t.expect(pexpect.EOF)
        res.check("telnet client: Ctrl-D says bye and closes", True)
    except (pexpect.TIMEOUT, pexpect.EOF) as e:
        res.check("telnet client session", False, "%s\n%s" % (type(e).__name__, t.before))
    finally:
        t.close(force=True)


def login_raw(r, pw, what):
    if r.expect(rb"login: ", 20) is None:
        res.check(what + ": login prompt", False, repr(r.text[-300:]))
        return False
    r.send(b"admin\r\n")
    if r.expect(rb"Password: $", 10) is None:
        res.check(what + ": password prompt", False, repr(r.text[-300:]))
        return False
    r.text = b""
    r.send(pw.encode() + b"\r\n")
    return r.expect(rb"Welcome\.|Login incorrect|too many failed", 40) is not None


def iac_flood(ns_name):
    r = RawTelnet_in(ns_name)
    r.send(bytes([IAC, AYT]))
    res.check("AYT answered [yes]", r.expect(rb"\[yes\]", 10) is not None, repr(r.text[-200:]))
    flood = bytearray()
    for i in range(100000):
        flood += bytes([IAC, (WILL, DO, WONT, DONT)[i % 4], i % 256])
    for _ in range(50):
        flood += bytes([IAC, SB, 24, 0]) + b"x" * 100 + bytes([IAC, SE])
    t0 = time.time()
    r.send(bytes(flood))
    ok = login_raw(r, PW, "after flood") and b"Welcome." in r.text
    # 3 offers + at most 64 replies (CONFIG budget, AYT included), then ignored
    res.check("IAC flood (300 KB + 5 KB of SB): at most 3 + 64 commands back (%d), %.1f s"
              % (r.cmds, time.time() - t0), 3 < r.cmds <= 3 + 64)
    res.check("after the flood: login on the same connection", ok, repr(r.text[-300:]))
    r.text = b""
    r.send(b"ps\r\n")
    m = r.expect(rb"kestrel> $", 10)
    res.check("after the flood: ps works", m is not None and b"telnetd" in r.text,
              repr(r.text[-400:]))
    res.check("after the flood: password not echoed", PW.encode() not in r.text)
    r.send(bytes([IAC, IAC]) + b"echo a\xff\xffb\r\n")  # IAC IAC is a data 0xff
    res.check("IAC IAC in the command line is data", r.expect(rb"kestrel> $", 10) is not None)
    r.send(b"\x04")
    res.check("after the flood: Ctrl-D -> bye", r.expect(rb"bye", 10) is not None)
    r.close()


def wrong_passwords(net):
    ns = net.ns.name
    r = RawTelnet_in(ns)
    t0 = time.time()
    fails = 0
    for _ in range(3):
        if login_raw(r, PW + "-wrong", "wrong password") and b"Login incorrect" in r.text:
            fails += 1
    res.check("3 wrong passwords: Login incorrect each, with growing delays (%.1f s)"
              % (time.time() - t0), fails == 3 and time.time() - t0 >= 1 + 2 + 4 - 0.5)
    res.check("after 3 tries the connection is closed", r.wait_closed(5))
    r.close()
    r = RawTelnet_in(ns)
    t0 = time.time()
    fails = 0
    for _ in range(2):
        if login_raw(r, "nope", "wrong password 4/5") and b"Login incorrect" in r.text:
            fails += 1
    res.check("failures 4 and 5 rejected after 8 s and 16 s (%.1f s)" % (time.time() - t0),
              fails == 2 and time.time() - t0 >= 8 + 16 - 0.5, repr(r.text[-200:]))
    m = r.expect(rb"too many failed logins", 5)
    res.check("the same connection is then told it is locked out", m is not None,
              repr(r.text[-200:]))
    r.close()
    r = RawTelnet_in(ns)
    m = r.expect(rb"too many failed logins; try again in (\d+) s", 10)
    res.check("locked out after 5 failures (%s s)" % (m.group(1).decode() if m else "?"),
              m is not None and 200 <= int(m.group(1)) <= 300, repr(r.text[-200:]))
    res.check("locked-out connection gets no login prompt and is closed",
              r.wait_closed(5) and b"login:" not in r.text)
    r.close()
    net.ns_run(["ip", "addr", "add", "10.77.0.3/24", "dev", net.tap])
    r = RawTelnet_in(ns, "10.77.0.3")
    ok = login_raw(r, PW, "other address") and b"Welcome." in r.text
    res.check("another address (10.77.0.3) still logs in during the lockout", ok,
              repr(r.text[-200:]))
    r.close()


def main():
    try:
        import pexpect
    except ImportError:
        k.die("python3-pexpect is not installed (scripts/deps.sh test)")
    if not shutil.which("telnet"):
        k.die("the telnet client is not installed (Debian package telnet; scripts/deps.sh test)")
    tmp = tempfile.mkdtemp(prefix="kestrel-telnet-")
    try:
        hashfile = provision(tmp)
        with k.DeviceNet(extra=["--telnet-hash-file", hashfile]) as net:
            res.check("boots with the password provisioned",
                      "telnetd: shell on port 23 (password provisioned)" in net.dev.out,
                      net.dev.out[-600:])
            in_ns(net.ns.name)
            _entered.append(net.ns.name)
            pexpect_login(pexpect)
            iac_flood(net.ns.name)
            pexpect_login(pexpect)
            wrong_passwords(net)
            out = net.shell("ps")
            res.check("device console still answers", "telnetd" in out, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    res.done()


if __name__ == "__main__":
    main()
