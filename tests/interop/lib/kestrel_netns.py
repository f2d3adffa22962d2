"""Test fixtures for interop tests: a network namespace with the hosted
device on a TAP interface, and the Linux kernel inside the namespace as the
peer.

Everything happens inside a namespace the test creates (`ip netns add`),
so no traffic ever reaches the machine's real network. The device process
runs in the namespace and creates its TAP there; the test gives the Linux
side of that TAP an address and runs the peer tools (ping, nc, curl,
dnsmasq, chronyd, scapy...) in the same namespace.

    with DeviceNet() as net:            # device 10.77.0.2, Linux 10.77.0.1
        net.shell("ping -c 1 10.77.0.1")
        net.ns_run(["ping", "-c", "3", net.dev_ip])

Requires root (CAP_NET_ADMIN) and build/hosted/kestrel.
"""

import os
import re
import select
import signal
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
# Debian's interpreter: python3-scapy and friends are installed for it (a
# python3 earlier on PATH, e.g. pyenv's, would not see them).
PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
DEFAULT_BIN = os.environ.get("KESTREL_BIN", os.path.join(ROOT, "build", "hosted", "kestrel"))


def die(msg):
    print("FAIL: " + msg, flush=True)
    sys.exit(1)


def require_root():
    if os.geteuid() != 0:
        die("interop tests need root (network namespaces, TAP); run make test as root")


class NetNS:
    """A network namespace that is deleted on exit, with its own loopback up."""

    serial = 0

    def __init__(self, prefix="kst"):
        NetNS.serial += 1
        self.name = "%s%d_%d" % (prefix, os.getpid(), NetNS.serial)

    def __enter__(self):
        subprocess.run(["ip", "netns", "del", self.name], stderr=subprocess.DEVNULL)
        subprocess.run(["ip", "netns", "add", self.name], check=True)
        self.run(["ip", "link", "set", "lo", "up"])
        return self

    def __exit__(self, *exc):
        out = subprocess.run(["ip", "netns", "pids", self.name],
                             stdout=subprocess.PIPE, text=True).stdout.split()
        for pid in out:
            if pid == str(os.getpid()):
                continue  # a test that entered the namespace itself
            try:
                os.kill(int(pid), signal.SIGKILL)
            except (ProcessLookupError, ValueError):
                pass
        subprocess.run(["ip", "netns", "del", self.name], stderr=subprocess.DEVNULL)

    def cmd(self, argv):
        return ["ip", "netns", "exec", self.name] + list(argv)

    def run(self, argv, check=True, timeout=60, **kw):
        kw.setdefault("stdout", subprocess.PIPE)
        kw.setdefault("stderr", subprocess.STDOUT)
        kw.setdefault("text", True)
        r = subprocess.run(self.cmd(argv), timeout=timeout, **kw)
        if check and r.returncode != 0:
            die("%s exited %d:\n%s" % (" ".join(argv), r.returncode, r.stdout))
        return r

    def popen(self, argv, **kw):
        return subprocess.Popen(self.cmd(argv), **kw)


class Device:
    """The hosted device process, driven through its console (stdin/stdout)."""

    def __init__(self, ns, args, binary=DEFAULT_BIN):
        self.ns = ns
        self.argv = [binary] + list(args)
        self.proc = None
        self.out = ""
        self.pos = 0

    def start(self):
        if not os.path.exists(self.argv[0]):
            die("%s not built" % self.argv[0])
        self.proc = self.ns.popen(self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, bufsize=0)
        return self

    def _read(self, timeout):
        r, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not r:
            return False
        data = os.read(self.proc.stdout.fileno(), 65536)
        if not data:
            return False
        self.out += data.decode("utf-8", "replace")
        return True

    def expect(self, pattern, timeout=10.0):
        """Waits for a regex after the last match; returns the match."""
        deadline = time.time() + timeout
        rx = re.compile(pattern)
        while True:
            m = rx.search(self.out, self.pos)
            if m:
                self.pos = m.end()
                return m
            left = deadline - time.time()
            if left <= 0 or (not self._read(min(left, 0.5)) and self.proc.poll() is not None):
                if self.proc.poll() is not None:
                    die("device exited (%s) waiting for /%s/; output:\n%s"
                        % (self.proc.returncode, pattern, self.out[-3000:]))
                if left <= 0:
                    die("timed out waiting for /%s/; output:\n%s" % (pattern, self.out[-3000:]))

    def send(self, line):
        self.proc.stdin.write((line + "\n").encode())
        self.proc.stdin.flush()

    def shell(self, line, timeout=30.0):
        """Runs one shell command; returns its output (up to the next prompt)."""
        self.expect_prompt_ready()
        start = len(self.out)
        self.send(line)
        self.pos = start
        m = self.expect(r"kestrel> ", timeout)
        return self.out[start:m.start()]

    def expect_prompt_ready(self):
        pass

    def stop(self):
        if self.proc and self.proc.poll() is None:
            try:
                self.send("poweroff")
                self.proc.wait(timeout=5)
            except Exception:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode if self.proc else None


class DeviceNet:
    """A namespace with the device on TAP `ktap0`: device DEV_IP, Linux LINUX_IP."""

    def __init__(self, dev_ip="10.77.0.2", linux_ip="10.77.0.1", prefix=24, extra=(),
                 static=True, tap="ktap0"):
        self.dev_ip = dev_ip
        self.linux_ip = linux_ip
        self.prefix = prefix
        self.tap = tap
        args = ["--net", "tap:" + tap] + list(extra)
        if static:
            args += ["--ip", "%s/%d" % (dev_ip, prefix), "--gw", linux_ip]
        self.args = args

    def __enter__(self):
        require_root()
        self.ns = NetNS().__enter__()
        self.dev = Device(self.ns, self.args).start()
        self.dev.expect(r"kestrel> ", 20)
        self.wait_tap()
        self.ns.run(["ip", "addr", "add", "%s/%d" % (self.linux_ip, self.prefix), "dev", self.tap])
        self.ns.run(["ip", "link", "set", self.tap, "up"])
        return self

    def wait_tap(self):
        for _ in range(100):
            r = self.ns.run(["ip", "link", "show", self.tap], check=False)
            if r.returncode == 0:
                return
            time.sleep(0.05)
        die("the device did not create %s" % self.tap)

    def __exit__(self, *exc):
        try:
            self.dev.stop()
        finally:
            self.ns.__exit__(*exc)

    def shell(self, line, timeout=30.0):
        return self.dev.shell(line, timeout)

    def ns_run(self, argv, **kw):
        return self.ns.run(argv, **kw)


class Results:
    """Collects named checks; prints 'N passed, N failed' and exits accordingly."""

    def __init__(self, name):
        self.name = name
        self.passed = 0
        self.failed = 0

    def check(self, what, cond, detail=""):
        if cond:
            self.passed += 1
            print("  ok   %s" % what, flush=True)
        else:
            self.failed += 1
            print("  FAIL %s %s" % (what, detail), flush=True)

    def done(self):
        print("%s: %d passed, %d failed" % (self.name, self.passed, self.failed), flush=True)
        sys.exit(1 if self.failed else 0)
