"""Helpers for the MCTP interop tests: start the hosted device with its MCTP
links, run kestrel-mctp against it, drive its shell, collect named checks.

Paths come from the environment CTest sets (KESTREL_BIN, KMCTP_BIN,
AFMCTP_LIB, KMCTP_LUA); run by hand, they default to build/mglue.
"""
import hashlib
import hmac
import os
import re
import select
import subprocess
import sys
import tempfile
import time
import uuid

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
BUILD = os.environ.get("KESTREL_BUILD", os.path.join(ROOT, "build", "mglue"))
KESTREL = os.environ.get("KESTREL_BIN", os.path.join(BUILD, "kestrel"))
KMCTP = os.environ.get("KMCTP_BIN", os.path.join(BUILD, "kestrel-mctp"))
AFMCTP = os.environ.get("AFMCTP_LIB", os.path.join(BUILD, "tools", "afmctp", "libafmctp.so"))
LUA = os.environ.get("KMCTP_LUA", os.path.join(ROOT, "tools", "wireshark", "kestrel-mctp.lua"))

SECRET = b"kestrel interop test secret\n"


def expected_uuid(secret=SECRET):
    """UUID the device must derive from `secret` (HMAC-SHA256, RFC 4122 v4 bits)."""
    b = bytearray(hmac.new(secret, b"kestrel-mctp-uuid", hashlib.sha256).digest()[:16])
    b[6] = (b[6] & 0x0F) | 0x40
    b[8] = (b[8] & 0x3F) | 0x80
    return str(uuid.UUID(bytes=bytes(b)))


class Results:
    """Named checks; done() prints 'N passed, N failed' and exits 0/1."""

    def __init__(self, name):
        self.name, self.passed, self.failed = name, 0, 0

    def check(self, what, cond, detail=""):
        if cond:
            self.passed += 1
            print("  ok   %s" % what, flush=True)
        else:
            self.failed += 1
            print("  FAIL %s\n%s" % (what, detail), flush=True)
        return cond

    def done(self):
        print("%s: %d passed, %d failed" % (self.name, self.passed, self.failed), flush=True)
        sys.exit(1 if self.failed else 0)


class Device:
    """The hosted device with MCTP links, driven through its console."""

    def __init__(self, usb=True, extra=()):
        self.dir = tempfile.mkdtemp(prefix="kmctp-")
        self.secret = os.path.join(self.dir, "secret")
        with open(self.secret, "wb") as f:
            f.write(SECRET)
        self.usb = os.path.join(self.dir, "usb.sock") if usb else None
        self.link = os.path.join(self.dir, "pty")
        args = [KESTREL, "--net", "none", "--mctp-secret", self.secret,
                "--mctp-serial", self.link]
        if self.usb:
            args += ["--mctp-usb", self.usb]
        self.argv = args + list(extra)
        self.out = ""
        self.proc = None
        self.pty = None

    def __enter__(self):
        for p in (KESTREL, KMCTP):
            if not os.path.exists(p):
                print("%s not built" % p)
                sys.exit(1)
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, bufsize=0)
        self.pty = self.expect(r"mctp: serial link on (/dev/pts/\d+)").group(1)
        if self.usb:
            self.expect(r"mctp: usb link on ")
        self.expect(r"kestrel> ")
        return self

    def __exit__(self, *exc):
        if self.proc.poll() is None:
            try:
                self.send("poweroff")
                self.proc.wait(timeout=5)
            except Exception:
                self.proc.kill()
                self.proc.wait()
        subprocess.run(["rm", "-rf", self.dir])

    def _read(self, timeout):
        r, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not r:
            return False
        data = os.read(self.proc.stdout.fileno(), 65536)
        self.out += data.decode("utf-8", "replace")
        return bool(data)

    def expect(self, pattern, timeout=10.0, start=0):
        deadline = time.time() + timeout
        rx = re.compile(pattern)
        while True:
            m = rx.search(self.out, start)
            if m:
                return m
            left = deadline - time.time()
            if left <= 0 or (not self._read(min(left, 0.5)) and self.proc.poll() is not None):
                raise RuntimeError("waiting for /%s/ (exit %s); output:\n%s"
                                   % (pattern, self.proc.poll(), self.out[-3000:]))

    def send(self, line):
        self.proc.stdin.write((line + "\n").encode())
        self.proc.stdin.flush()

    def shell(self, line, timeout=10.0):
        start = len(self.out)
        self.send(line)
        m = self.expect(r"kestrel> ", timeout, start)
        return self.out[start:m.start()]

    def alive(self):
        return self.proc.poll() is None

    def tool(self, *args, link="serial", timeout=120, env=None):
        """Runs kestrel-mctp on the serial (pty) or usb link; returns (rc, output)."""
        where = ["--serial", self.pty] if link == "serial" else ["--usb", self.usb]
        p = subprocess.run([KMCTP] + where + list(args), stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=timeout, env=env)
        return p.returncode, p.stdout.decode("utf-8", "replace")


def counter(text, name):
    """Value of 'name N' in `mctp` / `nvme-mi` shell output (first match), or -1."""
    m = re.search(r"(?<![\w-])%s (\d+)" % re.escape(name), text)
    return int(m.group(1)) if m else -1
