#!/usr/bin/env python3
"""Boot the Kestrel Cortex-M3 firmware in QEMU mps2-an385 and drive its shell.

Steps (each with its own deadline):
  1. the boot banner ("Kestrel <version> on qemu-mps2-an385") on UART0;
  2. the shell prompt "kestrel>";
  3. "ps" lists the tasks, including the idle task;
  4. "poweroff" makes the firmware exit through semihosting and QEMU
     exits with status 0.

With --net, QEMU gets -nic user (slirp) with loopback-only forwards from
free host ports to the device's echo (7), http (80), telnet (23) and iperf3
(5201) ports, and a guestfwd 10.0.2.100:80 that answers every connection
with a fixed HTTP response. Between the banner and "ps" it then checks:
  - the DHCP lease of 10.0.2.15;
  - a TCP echo of 2100 bytes through the forward to port 7;
  - console: "date -s <host UTC time>", then "passwd <password>" (or, with
    --telnet-password, that the image booted with a password provisioned
    by the KESTREL_TELNET_HASH build option);
  - HTTP: GET / is the status page; GET /api/status is JSON naming the
    board, listing the service tasks, with the time just set, an uptime
    and the network counters;
  - telnet: a wrong password is refused, then login as admin; "ps" shows
    the service tasks, "wget" fetches the guestfwd response (SHA-256
    checked) and "wget -O" stores it in the RAM filesystem ("ls" lists
    it), Ctrl-D ends the session;
  - iperf3 -c (when iperf3 is installed) runs a 2-second test;
  - console: "passwd --hash" prints a hash that PBKDF2 on the host
    (hashlib) verifies for the password: the form KESTREL_TELNET_HASH takes.

UART0 is QEMU's stdio (-serial stdio), connected to pipes here. Prints
PASS or FAIL (with the console and telnet transcripts) and exits non-zero
on failure.

With --porttest, also boots porttest.elf (the port self-test built next to
kestrel.elf) and expects "porttest: PASS" and exit status 0.
Standard library only.
"""

import argparse
import calendar
import hashlib
import hmac
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

DEFAULT_ELF = "build/cm-qemu/boards/qemu-mps2-an385/kestrel.elf"


class Matcher:
    """A growing byte buffer (buf) searched by regex after the last match (pos)."""

    def _match(self, rx):
        text = self.buf[self.pos:].decode("utf-8", "replace")
        m = rx.search(text)
        if m:
            self.pos += len(text[: m.end()].encode("utf-8", "replace"))
        return m


class Console(Matcher):
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
                m = self._match(rx)
                if m:
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


TELNET_IAC, TELNET_SB, TELNET_SE = 255, 250, 240
TELNET_WILL, TELNET_WONT, TELNET_DO, TELNET_DONT = 251, 252, 253, 254
TELOPT_ECHO, TELOPT_SGA = 1, 3


class Telnet(Matcher):
    """A small RFC 854 client: agrees to the server's ECHO and SGA, refuses
    every other option, strips IAC sequences, waits for patterns."""

    def __init__(self, port, timeout):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.buf = b""
        self.pos = 0
        self.state = 0  # 0 data, 1 after IAC, 2 option byte of cmd, 3 in SB, 4 IAC in SB
        self.cmd = 0
        self.eof = False

    def _feed(self, data):
        out = bytearray()
        reply = bytearray()
        for b in data:
            if self.state == 0:
                if b == TELNET_IAC:
                    self.state = 1
                else:
                    out.append(b)
            elif self.state == 1:
                if b == TELNET_IAC:
                    out.append(b)
                    self.state = 0
                elif b in (TELNET_WILL, TELNET_WONT, TELNET_DO, TELNET_DONT):
                    self.cmd = b
                    self.state = 2
                elif b == TELNET_SB:
                    self.state = 3
                else:
                    self.state = 0
            elif self.state == 2:
                if self.cmd == TELNET_WILL:
                    ok = b in (TELOPT_ECHO, TELOPT_SGA)
                    reply += bytes([TELNET_IAC, TELNET_DO if ok else TELNET_DONT, b])
                elif self.cmd == TELNET_DO:
                    ok = b == TELOPT_SGA
                    reply += bytes([TELNET_IAC, TELNET_WILL if ok else TELNET_WONT, b])
                self.state = 0
            elif self.state == 3:
                self.state = 4 if b == TELNET_IAC else 3
            else:
                self.state = 0 if b == TELNET_SE else 3
        if reply:
            self.sock.sendall(bytes(reply))
        self.buf += bytes(out)

    def expect(self, pattern, timeout):
        """Waits for regex `pattern` after the last match; returns the match or None."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            m = self._match(rx)
            if m:
                return m
            left = deadline - time.monotonic()
            if left <= 0 or self.eof:
                return None
            self.sock.settimeout(left)
            try:
                data = self.sock.recv(4096)
            except socket.timeout:
                continue
            if not data:
                self.eof = True
            self._feed(data)

    def send(self, line, end="\r\n"):
        self.sock.sendall((line + end).encode())

    def close(self):
        self.sock.close()

    def transcript(self):
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
        # user-mode NAT: DHCP answers 10.0.2.15; loopback-only forwards reach
        # the device's services; connections from the device to
        # 10.0.2.100:80 get the canned HTTP response (restrict=on keeps
        # everything else inside)
        fwd = ",".join("hostfwd=tcp:127.0.0.1:%d-:%d" % (args.ports[p], p)
                       for p in sorted(args.ports))
        cmd += ["-nic", "user,restrict=on,%s,guestfwd=tcp:%s:80-cmd:%s"
                % (fwd, WGET_HOST, args.wget_server)]
    return cmd


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


WGET_HOST = "10.0.2.100"
# The device's tasks that show the services are running.
SERVICE_TASKS = ("net", "inetd", "httpd", "telnetd", "iperf")
SMOKE_PASSWORD = "smoke-%d" % os.getpid()


def wget_body():
    """The body the guestfwd serves: 3000 bytes that are not all alike."""
    return bytes((i * 7 + i // 251) & 0xFF for i in range(3000))


def write_wget_server(tmpdir):
    """Writes the guestfwd command's files; returns the command (no commas, for -nic)."""
    body = wget_body()
    head = ("HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\n"
            "Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body))
    resp = os.path.join(tmpdir, "response.http")
    with open(resp, "wb") as f:
        f.write(head.encode() + body)
    # Read the request head before answering: closing with the request
    # unread would make slirp reset the device's connection.
    script = os.path.join(tmpdir, "serve.sh")
    with open(script, "w") as f:
        f.write("cr=$(printf '\\r')\n"
                "while IFS= read -r line; do\n"
                "\tcase \"$line\" in \"\" | \"$cr\") break ;; esac\n"
                "done\n"
                "exec cat %s\n" % resp)
    return "/bin/sh " + script


def echo_step(args):
    msg = b"kestrel over lan9118 " * 100
    try:
        with socket.create_connection(("127.0.0.1", args.ports[7]), timeout=args.timeout) as c:
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
    return None


def console_cmd(con, line, pattern, args, timeout=None):
    """Types a console command; returns the match of pattern (then the prompt) or None."""
    con.send(line)
    m = con.expect(pattern, timeout or args.timeout)
    if m and not con.expect(r"kestrel> ?", args.timeout):
        return None
    return m


def http_get(args, path):
    url = "http://127.0.0.1:%d%s" % (args.ports[80], path)
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # ignore http_proxy
    with direct.open(url, timeout=args.timeout) as r:
        return r.status, r.headers.get("Content-Type", ""), r.read()


def http_steps(args, date_set):
    """The status page and /api/status through the forward to port 80."""
    try:
        status, ctype, body = http_get(args, "/")
    except OSError as e:
        return "GET / failed: %s" % e
    if status != 200 or not ctype.startswith("text/html") or b"<title>Kestrel" not in body:
        return "GET /: %d %s, %d bytes: not the status page" % (status, ctype, len(body))
    try:
        status, ctype, body = http_get(args, "/api/status")
        st = json.loads(body)
    except (OSError, ValueError) as e:
        return "GET /api/status failed: %s" % e
    if st.get("device") != "Kestrel qemu-mps2-an385":
        return "/api/status: device %r" % st.get("device")
    names = {t.get("name") for t in st.get("tasks", [])}
    missing = [t for t in ("idle",) + SERVICE_TASKS if t not in names]
    if missing:
        return "/api/status: tasks %s missing from %s" % (missing, sorted(names))
    try:
        dev = calendar.timegm(time.strptime(st["time"][:19], "%Y-%m-%dT%H:%M:%S"))
        want = calendar.timegm(time.strptime(date_set, "%Y-%m-%dT%H:%M:%SZ"))
    except (KeyError, TypeError, ValueError):
        return "/api/status: time %r is not ISO 8601" % st.get("time")
    if not 0 <= dev - want <= 30:
        return "/api/status: time %s, but the clock was set to %s" % (st["time"], date_set)
    if not st.get("uptime_ms", 0) > 0:
        return "/api/status: no uptime"
    if not st.get("net", {}).get("ip_rx", 0) > 0:
        return "/api/status: no network counters (%r)" % st.get("net")
    if args.verbose:
        print("http: / and /api/status ok (%d tasks, time %s)" % (len(names), st["time"]),
              file=sys.stderr)
    return None


def telnet_steps(tn, args, password):
    """Login, then shell commands over the session."""
    if not tn.expect(r"Kestrel qemu-mps2-an385 telnet", args.timeout):
        return "no telnet banner"
    for attempt in ("wrong-" + password, password):
        if not tn.expect(r"login: $", args.timeout):
            return "no telnet login prompt"
        tn.send("admin")
        if not tn.expect(r"Password: $", args.timeout):
            return "no telnet password prompt"
        tn.send(attempt)
        if attempt != password and not tn.expect(r"Login incorrect", args.timeout + 20):
            return "telnet: a wrong password was not refused"
    # PBKDF2 with 10000 rounds on the emulated Cortex-M3
    if not tn.expect(r"Welcome\.", args.timeout + 20):
        return "telnet login failed"
    if not tn.expect(r"kestrel> ?$", args.timeout):
        return "no shell prompt over telnet"
    tn.send("ps")
    m = tn.expect(r"(?s)NAME.*?kestrel> ?$", args.timeout)
    if not m:
        return "'ps' over telnet printed no task list"
    rows = {line.split()[0] for line in m.group(0).splitlines()[1:] if line.split()}
    missing = [t for t in SERVICE_TASKS + ("telnet",) if t not in rows]
    if missing:
        return "'ps' over telnet: tasks %s missing" % missing
    body = wget_body()
    tn.send("wget http://%s/blob" % WGET_HOST)
    if not tn.expect(r"sha256 %s  %d bytes" % (hashlib.sha256(body).hexdigest(), len(body)),
                     args.timeout):
        return "'wget' over telnet: no or wrong SHA-256 of the %d-byte body" % len(body)
    if not tn.expect(r"kestrel> ?$", args.timeout):
        return "no prompt after 'wget'"
    tn.send("wget -O blob.bin http://%s/blob" % WGET_HOST)
    if not tn.expect(r"saved blob\.bin: %d bytes" % len(body), args.timeout):
        return "'wget -O' did not store the body in the RAM filesystem"
    tn.send("ls")
    if not tn.expect(r"blob\.bin\s+%d|%d\s+blob\.bin" % (len(body), len(body)), args.timeout):
        return "'ls' does not list blob.bin (%d bytes)" % len(body)
    if not tn.expect(r"kestrel> ?$", args.timeout):
        return "no prompt after 'ls'"
    tn.send("\x04", end="")  # Ctrl-D on an empty line ends the session
    if not tn.expect(r"bye", args.timeout):
        return "Ctrl-D did not end the telnet session"
    return None


def iperf_step(args):
    """A 2-second iperf3 test against the device's server."""
    exe = shutil.which("iperf3")
    if exe is None:
        print("qemu-smoke: iperf3 not installed, iperf step skipped", file=sys.stderr)
        return None
    try:
        r = subprocess.run([exe, "-c", "127.0.0.1", "-p", str(args.ports[5201]), "-t", "2",
                            "-J", "--connect-timeout", "5000"],
                           capture_output=True, timeout=args.timeout + 10)
        res = json.loads(r.stdout)
        got = res["end"]["sum_received"]["bytes"]
    except subprocess.TimeoutExpired:
        return "iperf3 -c did not finish"
    except (ValueError, KeyError, TypeError):
        return "iperf3 -c failed: %s" % (r.stdout + r.stderr).decode("utf-8", "replace")[-400:]
    if got <= 0:
        return "iperf3: the device received nothing"
    if args.verbose:
        print("iperf3: %.1f Mbit/s" % (res["end"]["sum_received"]["bits_per_second"] / 1e6),
              file=sys.stderr)
    return None


def check_hash(line, password):
    """True if line is "$pbkdf2-sha256$<iter>$<salt hex>$<dk hex>" of password."""
    m = re.fullmatch(r"\$pbkdf2-sha256\$(\d+)\$([0-9a-f]+)\$([0-9a-f]{64})", line)
    if not m:
        return False
    dk = hashlib.pbkdf2_hmac("sha256", password.encode(), bytes.fromhex(m.group(2)),
                             int(m.group(1)))
    return hmac.compare_digest(dk.hex(), m.group(3))


def net_steps(con, proc, args):
    """DHCP lease, then every forwarded service, then the console steps."""
    if not con.expect(r"Kestrel \S+ on qemu-mps2-an385", args.boot_timeout):
        return "no boot banner"
    want = "password provisioned" if args.telnet_password else "no password yet"
    if not con.expect(r"telnetd: shell on port 23 \(%s" % want, args.timeout):
        return "boot log does not say 'telnetd: shell on port 23 (%s...'" % want
    if not con.expect(r"DHCP lease 10\.0\.2\.15", args.timeout):
        return "no DHCP lease from -nic user"
    why = echo_step(args)
    if why:
        return why
    con.send("")  # a fresh prompt after the lease message
    if not con.expect(r"kestrel> ?", args.timeout):
        return "no shell prompt"
    date_set = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    shown = r"(?m)^\d{4}-\d\d-\d\dT[\d:]{8}(Z|[+-][\d:]{5})\s*$"  # UTC or a 'tz' offset
    if not console_cmd(con, "date -s " + date_set, shown, args):
        return "'date -s %s' on the console failed" % date_set
    password = args.telnet_password
    if not password:
        password = SMOKE_PASSWORD
        if not console_cmd(con, "passwd " + password, r"telnet password set", args,
                           args.timeout + 20):
            return "'passwd' on the console failed"
    why = http_steps(args, date_set)
    if why:
        return why
    try:
        tn = Telnet(args.ports[23], args.timeout)
    except OSError as e:
        return "telnet connection through hostfwd failed: %s" % e
    try:
        why = telnet_steps(tn, args, password)
    except OSError as e:
        why = "telnet I/O failed: %s" % e
    finally:
        tn.close()
        args.transcripts.append(("telnet", tn.transcript()))
    if why:
        return why
    why = iperf_step(args)
    if why:
        return why
    m = console_cmd(con, "passwd --hash", r"(?m)^(\$pbkdf2-sha256\$\S+)\r?\n", args)
    if not m or not check_hash(m.group(1), password):
        return "'passwd --hash' did not print a PBKDF2-SHA256 hash of the password"
    con.send("")  # a fresh prompt for the common steps
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
                    help="boot with -nic user; check DHCP, echo, the status page, a telnet "
                    "login with shell commands, wget and iperf3 through forwarded ports")
    ap.add_argument("--telnet-password", metavar="PW",
                    help="with --net: the image was built with KESTREL_TELNET_HASH of PW; "
                    "log in with it instead of setting one with 'passwd' on the console")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="print the QEMU command and the console transcript")
    args = ap.parse_args()

    if not os.path.isfile(args.elf):
        print("FAIL: %s not found (build it first)" % args.elf)
        return 2
    if shutil.which(args.qemu) is None:
        print("FAIL: %s not found (apt-get install qemu-system-arm)" % args.qemu)
        return 2
    args.ports = {p: free_port() for p in (7, 23, 80, 5201)} if args.net else {}
    tmp = tempfile.TemporaryDirectory(prefix="qemu-smoke-")
    args.wget_server = write_wget_server(tmp.name)
    jobs = [("qemu-smoke", args.elf, net_steps if args.net else steps)]
    if args.porttest is not None:
        pt = args.porttest or os.path.join(os.path.dirname(args.elf), "porttest.elf")
        if not os.path.isfile(pt):
            print("FAIL: %s not found (build porttest.elf)" % pt)
            return 2
        jobs.append(("porttest", pt, porttest_steps))
    failed = 0
    for name, elf, drive in jobs:
        args.transcripts = []
        t0 = time.monotonic()
        why, transcript = run(args, elf, drive)
        logs = [("console", transcript)] + args.transcripts
        if args.verbose:
            for what, text in logs:
                sys.stderr.write("---- %s ----\n%s\n" % (what, text))
        if why is None:
            print("PASS: %s %s (%.1f s)" % (name, elf, time.monotonic() - t0))
            continue
        failed += 1
        print("FAIL: %s: %s" % (name, why))
        if not args.verbose:
            for what, text in logs:
                print("---- %s ----" % what)
                print(text)
    tmp.cleanup()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
