#!/usr/bin/env python3
"""Boot the Kestrel Cortex-M3 firmware in QEMU mps2-an385 and drive its shell.

Steps (each with its own deadline):
  1. the boot banner ("Kestrel <version> on qemu-mps2-an385") on UART0;
  2. the shell prompt "kestrel>";
  3. "ps" lists the tasks, including the idle task;
  4. "poweroff" makes the firmware exit through semihosting and QEMU
     exits with status 0.

UART0 is QEMU's stdio (-serial stdio), connected to pipes here. Prints
PASS or FAIL (with the console transcript) and exits non-zero on failure.

With --porttest, also boots porttest.elf (the port self-test built next to
kestrel.elf) and expects "porttest: PASS" and exit status 0.
Standard library only.
"""

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time

DEFAULT_ELF = "build/cm-qemu/boards/qemu-mps2-an385/kestrel.elf"


class Console:
    """Collects QEMU's stdout on a thread; waits for patterns in it."""

    def __init__(self, proc):
        self.proc = proc
        self.buf = b""
        self.pos = 0  # start of the unmatched tail
        self.cond = threading.Condition()
        self.eof = False
        threading.Thread(target=self._reader, daemon=True).start()

    def _reader(self):
        fd = self.proc.stdout.fileno()
        while True:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                chunk = b""
            with self.cond:
                if not chunk:
                    self.eof = True
                else:
                    self.buf += chunk
                self.cond.notify_all()
            if not chunk:
                return

    def expect(self, pattern, timeout):
        """Waits for regex `pattern` after the last match; returns the match or None."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                text = self.buf[self.pos:].decode("utf-8", "replace")
                m = rx.search(text)
                if m:
                    self.pos += len(text[: m.end()].encode("utf-8", "replace"))
                    return m
                left = deadline - time.monotonic()
                if left <= 0 or self.eof:
                    return None
                self.cond.wait(left)

    def send(self, line):
        # A terminal sends CR for Enter; the shell must accept it.
        self.proc.stdin.write(line.encode() + b"\r")
        self.proc.stdin.flush()

    def transcript(self):
        with self.cond:
            return self.buf.decode("utf-8", "replace")


def qemu_command(args, elf, icount=False):
    cmd = [
        args.qemu, "-M", "mps2-an385", "-display", "none", "-monitor", "none",
        "-serial", "stdio", "-semihosting-config", "enable=on,target=native",
        "-kernel", elf,
    ]
    if icount:
        # instruction-counted time: the port test's timing checks then do
        # not depend on how loaded the host is
        return cmd + ["-icount", "shift=0,sleep=off"]
    if args.net:
        # user-mode NAT: DHCP answers 10.0.2.15; a loopback-only forward
        # reaches the device's echo service (port 7)
        cmd += ["-nic", "user,restrict=on,hostfwd=tcp:127.0.0.1:%d-:7" % args.net_port]
    return cmd


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def net_steps(con, proc, args):
    """DHCP lease from QEMU's slirp, then a TCP connection through hostfwd."""
    if not con.expect(r"DHCP lease 10\.0\.2\.15", args.boot_timeout + args.timeout):
        return "no DHCP lease from -nic user"
    msg = b"kestrel over lan9118 " * 100
    try:
        with socket.create_connection(("127.0.0.1", args.net_port), timeout=args.timeout) as c:
            c.sendall(msg)
            got = b""
            while len(got) < len(msg):
                b = c.recv(4096)
                if not b:
                    break
                got += b
    except OSError as e:
        return "TCP through hostfwd failed: %s" % e
    if got != msg:
        return "echo through hostfwd returned %d of %d bytes" % (len(got), len(msg))
    con.send("")  # a fresh prompt after the lease message
    return shell_steps(con, proc, args)


def steps(con, proc, args):
    """Drives the console; returns None on success or what failed."""
    if not con.expect(r"Kestrel \S+ on qemu-mps2-an385", args.boot_timeout):
        return "no boot banner"
    return shell_steps(con, proc, args)


def shell_steps(con, proc, args):
    """From the prompt on: ps, then poweroff."""
    if not con.expect(r"kestrel> ?", args.timeout):
        return "no shell prompt"
    con.send("ps")
    if not con.expect(r"(?m)^.*\bidle\b.*$", args.timeout):
        return "'ps' did not list the idle task"
    if not con.expect(r"kestrel> ?", args.timeout):
        return "no prompt after 'ps'"
    con.send("poweroff")
    try:
        status = proc.wait(timeout=args.timeout)
    except subprocess.TimeoutExpired:
        return "QEMU did not exit after 'poweroff'"
    if status != 0:
        return "QEMU exit status %d after 'poweroff' (want 0)" % status
    return None


def porttest_steps(con, proc, args):
    """The port self-test reports and exits by itself."""
    if not con.expect(r"porttest: (PASS|FAIL)\b", args.boot_timeout + args.timeout):
        return "porttest did not finish"
    try:
        status = proc.wait(timeout=args.timeout)
    except subprocess.TimeoutExpired:
        return "porttest did not exit"
    if status != 0:
        return "porttest failed (exit status %d)" % status
    return None


def run(args, elf, drive):
    """Boots QEMU and runs drive(); returns (failure or None, transcript)."""
    cmd = qemu_command(args, elf, icount=drive is porttest_steps)
    if args.verbose:
        print("+ " + " ".join(cmd), file=sys.stderr)
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    con = Console(proc)
    try:
        why = drive(con, proc, args)
    except (BrokenPipeError, OSError) as e:
        why = "console I/O failed: %s" % e
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
    time.sleep(0.1)  # let the reader drain the last output
    return why, con.transcript()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 epilog="Steps: banner, prompt, 'ps' shows 'idle', "
                                 "'poweroff' exits QEMU with status 0.")
    ap.add_argument("elf", nargs="?", default=DEFAULT_ELF,
                    help="firmware ELF (default: %(default)s)")
    ap.add_argument("--qemu", default="qemu-system-arm", help="QEMU binary (default: %(default)s)")
    ap.add_argument("--boot-timeout", type=float, default=20.0,
                    help="seconds to wait for the banner (default: %(default)s)")
    ap.add_argument("--timeout", type=float, default=10.0,
                    help="seconds for each later step (default: %(default)s)")
    ap.add_argument("--porttest", nargs="?", const="", metavar="ELF",
                    help="also run the port self-test (default: porttest.elf next to the ELF; "
                    "give the firmware ELF before this option)")
    ap.add_argument("--net", action="store_true",
                    help="boot with -nic user; check the DHCP lease and a TCP echo through "
                    "a hostfwd to the device's port 7")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="print the QEMU command and the console transcript")
    args = ap.parse_args()

    if not os.path.isfile(args.elf):
        print("FAIL: %s not found (build it first)" % args.elf)
        return 2
    if shutil.which(args.qemu) is None:
        print("FAIL: %s not found (apt-get install qemu-system-arm)" % args.qemu)
        return 2
    args.net_port = free_port() if args.net else 0
    jobs = [("qemu-smoke", args.elf, net_steps if args.net else steps)]
    if args.porttest is not None:
        pt = args.porttest or os.path.join(os.path.dirname(args.elf), "porttest.elf")
        if not os.path.isfile(pt):
            print("FAIL: %s not found (build porttest.elf)" % pt)
            return 2
        jobs.append(("porttest", pt, porttest_steps))
    failed = 0
    for name, elf, drive in jobs:
        why, transcript = run(args, elf, drive)
        if args.verbose:
            sys.stderr.write(transcript + "\n")
        if why is None:
            print("PASS: %s %s" % (name, elf))
            continue
        failed += 1
        print("FAIL: %s: %s" % (name, why))
        if not args.verbose:
            print("---- console ----")
            print(transcript)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
