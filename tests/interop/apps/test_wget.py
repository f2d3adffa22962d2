#!/usr/bin/env python3
"""Interop: the device's wget (apps/wget) against Python's http.server on
the Linux side of the TAP (10.77.0.1:8000, in the test's namespace).

- a 5 MB random file: the SHA-256 and length the device prints match;
- redirects: http.server's own 301 for a directory without its slash,
  a 302 chain (relative and absolute Locations) to the 5 MB file, and an
  endless redirect loop (refused after 5 hops);
- a chunked response (HTTP/1.1 Transfer-Encoding: chunked);
- 404 reported as such, with no file left behind by -O;
- -O into the RAM filesystem, then `cat` shows the text.
"""
import hashlib
import http.server
import os
import re
import shutil
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import kestrel_netns as k  # noqa: E402

res = k.Results("interop.apps.wget")
DEBUG = os.environ.get("WGET_DEBUG")
SRV = "http://10.77.0.1:8000"
BIG = 5 * 1024 * 1024


def in_ns(ns_name):
    """Moves this process into the namespace (setns(2); os.setns needs Python 3.12)."""
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open("/run/netns/" + ns_name, os.O_RDONLY)
    if libc.setns(fd, 0x40000000) != 0:  # CLONE_NEWNET
        k.die("setns: errno %d" % ctypes.get_errno())
    os.close(fd)


def make_handler(root):
    class Handler(http.server.SimpleHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def __init__(self, *a, **kw):
            super().__init__(*a, directory=root, **kw)

        def log_message(self, *a):
            pass

        def redirect(self, code, where):
            self.send_response(code)
            self.send_header("Location", where)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_GET(self):
            if self.path == "/r1":
                return self.redirect(302, "r2")  # relative
            if self.path == "/r2":
                return self.redirect(307, SRV + "/r3")  # absolute
            if self.path == "/r3":
                return self.redirect(308, "/big.bin")
            if self.path.startswith("/loop"):
                return self.redirect(302, "/loop%d" % (len(self.path) + 1))
            if self.path == "/chunked":
                body = b"".join(b"chunk %04d\n" % i for i in range(500))
                self.send_response(200)
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                for i in range(0, len(body), 777):
                    part = body[i:i + 777]
                    self.wfile.write(b"%x;ext=1\r\n%s\r\n" % (len(part), part))
                self.wfile.write(b"0\r\nX-Trailer: t\r\n\r\n")
                return
            return super().do_GET()
    return Handler


def wget(net, args, timeout=90):
    t0 = time.time()
    out = net.shell("wget " + args, timeout)
    if DEBUG:
        print(repr(out))
    return out, time.time() - t0


def sha_line(out):
    m = re.search(r"sha256 ([0-9a-f]{64})  (\d+) bytes", out)
    return (m.group(1), int(m.group(2))) if m else (None, None)


def main():
    tmp = tempfile.mkdtemp(prefix="kestrel-wget-")
    big = os.urandom(BIG)
    with open(os.path.join(tmp, "big.bin"), "wb") as f:
        f.write(big)
    os.mkdir(os.path.join(tmp, "dir"))
    small = b"hello from the Linux side\n"
    with open(os.path.join(tmp, "dir", "index.html"), "wb") as f:
        f.write(small)
    want = hashlib.sha256(big).hexdigest()
    try:
        with k.DeviceNet() as net:
            in_ns(net.ns.name)
            httpd = http.server.ThreadingHTTPServer(("10.77.0.1", 8000), make_handler(tmp))
            threading.Thread(target=httpd.serve_forever, daemon=True).start()
            try:
                out, took = wget(net, SRV + "/big.bin -q")
                h, n = sha_line(out)
                res.check("5 MB file: SHA-256 and length match (%.1f s, %.1f MB/s)"
                          % (took, BIG / took / 1e6), h == want and n == BIG, out[-300:])
                out, took = wget(net, SRV + "/r1 -q")
                h, n = sha_line(out)
                res.check("302 -> relative, 307 -> absolute, 308 -> 5 MB file: hash matches",
                          h == want and n == BIG, out[-300:])
                out, _ = wget(net, SRV + "/dir -q")
                h, n = sha_line(out)
                res.check("http.server's 301 for a directory followed",
                          h == hashlib.sha256(small).hexdigest() and n == len(small), out[-300:])
                out, _ = wget(net, SRV + "/loop -q")
                res.check("endless redirects refused (too many redirects)",
                          sha_line(out)[0] is None and "error: ERANGE" in out, out[-300:])
                body = b"".join(b"chunk %04d\n" % i for i in range(500))
                out, _ = wget(net, SRV + "/chunked -q")
                h, n = sha_line(out)
                res.check("chunked response with extensions and a trailer",
                          h == hashlib.sha256(body).hexdigest() and n == len(body), out[-300:])
                out, _ = wget(net, SRV + "/missing.bin -O missing.bin")
                res.check("404 reported", "HTTP status 404" in out and "ENOENT" in out
                          and sha_line(out)[0] is None, out[-300:])
                out = net.shell("ls")
                res.check("failed -O leaves no file", "missing.bin" not in out, out)
                out, _ = wget(net, SRV + "/dir/ -O hello.txt -q")
                res.check("-O saves into the RAM filesystem",
                          re.search(r"saved hello.txt: %d bytes" % len(small), out) is not None, out)
                out = net.shell("cat hello.txt")
                res.check("cat shows the downloaded text", "hello from the Linux side" in out, out)
                out, _ = wget(net, "http://10.77.0.1:8001/ -q", 30)
                res.check("connection refused reported", sha_line(out)[0] is None
                          and "ECONNREFUSED" in out,
                          out[-300:])
            finally:
                httpd.shutdown()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    res.done()


if __name__ == "__main__":
    main()
