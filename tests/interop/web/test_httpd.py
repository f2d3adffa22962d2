#!/usr/bin/env python3
"""Interop: the device's HTTP server (apps/httpd) against real clients.

The hosted device runs on a TAP in a fresh network namespace; this process
moves itself into that namespace and talks to 10.77.0.2:80 with curl and
with raw sockets:

- curl: the status page and its assets, /api/status parsed as JSON, ETag
  + If-None-Match 304, HTTP/1.0, and every error code docs/httpd.md
  promises that curl can produce (400 404 405 413 414 431 501);
- raw sockets (check_httpd.py): 400 variants, 505, 503 when all slots are
  busy, JSON fields;
- 200 keep-alive requests with curl --parallel (connections must be
  reused) and 200 more over 4 python http.client connections;
- malformed input: no line end at all, bare LF, a 100 KB header, too many
  fields, bogus/lower-case/overlong/binary methods, NUL bytes;
- slowloris: three connections trickling a request one byte a second
  while a fourth client is still served, then each gets 408 within the
  request timeout (10 s).
"""
import json
import os
import socket
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
sys.path.insert(0, HERE)
import kestrel_netns as k  # noqa: E402
import check_httpd  # noqa: E402

res = k.Results("interop.web.httpd")
check_httpd.check = lambda name, cond, detail="": res.check(name, cond, detail)

IP = "10.77.0.2"
BASE = "http://%s" % IP
MAX_CONN = 4
REQUEST_TIMEOUT = 10.0


def in_ns(ns_name):
    """Moves this process into the namespace (setns(2); os.setns needs Python 3.12)."""
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open("/run/netns/" + ns_name, os.O_RDONLY)
    if libc.setns(fd, 0x40000000) != 0:  # CLONE_NEWNET
        k.die("setns: errno %d" % ctypes.get_errno())
    os.close(fd)


def curl(args, timeout=20):
    """Runs curl; returns (rc, stdout bytes)."""
    r = subprocess.run(["curl", "-sS", "-m", "10"] + args, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=timeout)
    return r.returncode, r.stdout


def curl_code(args):
    rc, out = curl(["-o", "/dev/null", "-w", "%{http_code}"] + args)
    return out.decode(errors="replace").strip()[-3:]


def served(path="/api/status", timeout=3.0):
    """True when a fresh connection gets a 200 for path within timeout."""
    try:
        resp = check_httpd.raw(IP, 80, b"GET " + path.encode() + b" HTTP/1.1\r\nHost: d\r\n"
                               b"Connection: close\r\n\r\n", timeout)
        return check_httpd.status_of(resp) == 200
    except OSError:
        return False


def check_curl():
    rc, out = curl(["-i", BASE + "/"])
    head, _, body = out.partition(b"\r\n\r\n")
    res.check("curl GET / 200 text/html",
              rc == 0 and head.startswith(b"HTTP/1.1 200") and b"Content-Type: text/html" in head,
              repr(out[:200]))
    res.check("status page has the task table and scripts",
              b'id="tasks"' in body and b"/app.js" in body and b"/style.css" in body)
    for path, ctype in (("/style.css", "text/css"), ("/app.js", "javascript")):
        rc, out = curl(["-o", "/dev/null", "-w", "%{http_code}|%{content_type}|%{size_download}",
                        BASE + path])
        f = out.decode().split("|")
        res.check("curl %s: 200 %s, non-empty" % (path, ctype),
                  len(f) == 3 and f[0] == "200" and ctype in f[1] and int(f[2]) > 100, out)
    rc, out = curl([BASE + "/api/status"])
    try:
        st = json.loads(out)
        t0 = st["uptime_ms"]
        names = [t["name"] for t in st["tasks"]]
        res.check("/api/status parses: tasks (%s), pools, net" % ",".join(names[:4]),
                  "httpd" in names and "idle" in names and isinstance(st["pools"], list)
                  and st["net"].get("ip_rx", 0) > 0 and st["tasks_total"] == len(st["tasks"]),
                  repr(out[:300]))
        res.check("/api/status time is ISO 8601 UTC",
                  len(st["time"]) == 24 and st["time"].endswith("Z"), st["time"])
        res.check("/api/status tz_offset_min is 0 (no --tz)", st.get("tz_offset_min") == 0,
                  repr(st.get("tz_offset_min")))
        time.sleep(0.3)
        st2 = json.loads(curl([BASE + "/api/status"])[1])
        res.check("/api/status uptime advances", st2["uptime_ms"] > t0,
                  "%s -> %s" % (t0, st2["uptime_ms"]))
    except (ValueError, KeyError, TypeError) as e:
        res.check("/api/status is JSON with tasks, pools, net", False, "%s: %r" % (e, out[:300]))
    rc, out = curl(["-I", BASE + "/style.css"])
    etag = [ln.split(b":", 1)[1].strip() for ln in out.split(b"\r\n")
            if ln.lower().startswith(b"etag:")]
    res.check("HEAD: 200 with a strong ETag", out.startswith(b"HTTP/1.1 200") and len(etag) == 1
              and etag[0].startswith(b'"'), repr(out[:200]))
    if etag:
        res.check("If-None-Match -> 304",
                  curl_code(["-H", "If-None-Match: " + etag[0].decode(), BASE + "/style.css"]) == "304")
    rc, out = curl(["-i", "--http1.0", BASE + "/"])
    res.check("HTTP/1.0 request: 200, answered as 1.x, closed",
              rc == 0 and out[:12] in (b"HTTP/1.1 200", b"HTTP/1.0 200")
              and b"Connection: keep-alive" not in out.partition(b"\r\n\r\n")[0], repr(out[:120]))
    for name, args, want in (
            ("404", [BASE + "/nope"], "404"),
            ("405 POST", ["-X", "POST", "-d", "x=1", BASE + "/"], "405"),
            ("405 DELETE", ["-X", "DELETE", BASE + "/api/status"], "405"),
            ("501 BREW", ["-X", "BREW", BASE + "/"], "501"),
            ("501 lower-case get", ["-X", "get", BASE + "/"], "501"),
            ("400 no Host", ["-H", "Host:", BASE + "/"], "400"),
            ("413 body over 1024", ["-X", "POST", "-H", "Expect:", "--data-binary", "x" * 2000,
                                    BASE + "/"], "413"),
            ("414 URL over 256", [BASE + "/" + "u" * 300], "414"),
            ("431 header over 2048", ["-H", "X-Pad: " + "p" * 3000, BASE + "/"], "431"),
            ("431 33 fields", sum((["-H", "X-F%d: v" % i] for i in range(33)), []) + [BASE + "/"],
             "431"),
            ("501 Transfer-Encoding", ["-H", "Transfer-Encoding: chunked", "-d", "a", BASE + "/"],
             "501")):
        got = curl_code(args)
        res.check("curl %s" % name, got == want, "got %s" % got)


def check_parallel_curl():
    cfg = "/tmp/kestrel-curl-%d.cfg" % os.getpid()
    with open(cfg, "w") as f:
        for i in range(200):
            f.write('url = "%s/%s"\noutput = "/dev/null"\n' % (BASE, "api/status" if i % 2 else ""))
    t0 = time.time()
    rc, out = curl(["--parallel", "--parallel-max", str(MAX_CONN), "-w",
                    "%{http_code} %{num_connects}\\n", "-K", cfg], timeout=120)
    took = time.time() - t0
    os.unlink(cfg)
    rows = [ln.split() for ln in out.decode(errors="replace").splitlines() if ln.strip()]
    ok = sum(1 for r in rows if r and r[0] == "200")
    conns = sum(int(r[1]) for r in rows if len(r) == 2 and r[1].isdigit())
    res.check("curl --parallel: 200 requests, all 200 (%.1f s)" % took, ok == 200,
              "%d ok; %r" % (ok, out[:300]))
    res.check("curl --parallel reuses connections (%d connects for 200)" % conns,
              0 < conns <= 20, "%d connects" % conns)


def check_malformed():
    cases = [
        ("bare LF line ends served", b"GET / HTTP/1.1\nHost: d\nConnection: close\n\n", 200),
        ("binary garbage", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + os.urandom(64)
         + b"\r\n\r\n", 400),
        ("two Host fields", b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
        ("NUL in target", b"GET /\x00 HTTP/1.1\r\nHost: d\r\n\r\n", 400),
        ("%00 in target", b"GET /%00 HTTP/1.1\r\nHost: d\r\n\r\n", 400),
        ("control char in field value", b"GET / HTTP/1.1\r\nHost: d\r\nX: a\x01b\r\n\r\n", 400),
        ("space before colon", b"GET / HTTP/1.1\r\nHost : d\r\n\r\n", 400),
        ("two spaces in request line", b"GET  / HTTP/1.1\r\nHost: d\r\n\r\n", 400),
        ("no version", b"GET /\r\nHost: d\r\n\r\n", 400),
        ("relative target", b"GET index.html HTTP/1.1\r\nHost: d\r\n\r\n", 400),
        ("bad Content-Length", b"POST / HTTP/1.1\r\nHost: d\r\nContent-Length: 1x\r\n\r\n", 400),
        ("conflicting Content-Length",
         b"POST / HTTP/1.1\r\nHost: d\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400),
        ("TE + CL (smuggling)",
         b"POST / HTTP/1.1\r\nHost: d\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
         400),
        ("overlong method (17)", b"ABCDEFGHIJKLMNOPQ / HTTP/1.1\r\nHost: d\r\n\r\n", 501),
        ("bogus method PROPFIND-ish", b"FOO / HTTP/1.1\r\nHost: d\r\n\r\n", 501),
        ("HTTP/0.9-style version", b"GET / HTTP/0.9\r\nHost: d\r\n\r\n", 505),
        ("HTTP/3.0", b"GET / HTTP/3.0\r\nHost: d\r\n\r\n", 505),
        ("many short fields (40)", b"GET / HTTP/1.1\r\nHost: d\r\n"
         + b"".join(b"X%d: v\r\n" % i for i in range(40)) + b"\r\n", 431),
    ]
    for name, req, want in cases:
        resp = check_httpd.raw(IP, 80, req)
        res.check("malformed: %s -> %d" % (name, want), check_httpd.status_of(resp) == want,
                  repr(resp[:80]))
    # A 100 KB header section streamed as fast as possible: 431 as soon as the
    # 2048-byte limit is passed, and the rest is drained (no reset before we read).
    s = socket.create_connection((IP, 80), timeout=5)
    resp = b""
    try:
        s.sendall(b"GET / HTTP/1.1\r\nHost: d\r\n")
        for _ in range(100):
            s.sendall(b"X-Big: " + b"b" * 1014 + b"\r\n")
    except OSError:
        pass
    try:
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            resp += chunk
    except OSError:
        pass
    s.close()
    res.check("100 KB header section -> 431", check_httpd.status_of(resp) == 431, repr(resp[:80]))
    # No line end at all, then the client half-closes: the server must not
    # serve it, and must drop the connection (EOF) rather than hold it.
    s = socket.create_connection((IP, 80), timeout=REQUEST_TIMEOUT + 5)
    t0 = time.time()
    s.sendall(b"GET / HTTP/1.1 Host: d")
    s.shutdown(socket.SHUT_WR)
    resp = b""
    try:
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            resp += chunk
    except OSError:
        pass
    took = time.time() - t0
    s.close()
    res.check("no CRLF + half-close: closed without a 200 (%.1f s)" % took,
              check_httpd.status_of(resp) in (None, 400, 408) and took < REQUEST_TIMEOUT + 3,
              repr(resp[:80]))
    res.check("still serving after the malformed requests", served())


def slow_client(out, idx, stop):
    out[idx] = check_httpd.trickle(IP, 80, REQUEST_TIMEOUT + 6, stop)


def check_slowloris():
    n = MAX_CONN - 1
    out = [None] * n
    stop = threading.Event()
    threads = [threading.Thread(target=slow_client, args=(out, i, stop)) for i in range(n)]
    for t in threads:
        t.start()
    time.sleep(1.5)
    ok = 0
    lat = []
    for _ in range(20):
        t0 = time.time()
        ok += served("/api/status", 3.0)
        lat.append(time.time() - t0)
        time.sleep(0.2)
    res.check("another client served while %d slowloris connections trickle (%d/20, max %.0f ms)"
              % (n, ok, 1000 * max(lat)), ok == 20)
    for t in threads:
        t.join(REQUEST_TIMEOUT + 10)
    stop.set()
    for i, r in enumerate(out):
        resp, took = r if r else (b"", -1)
        res.check("slowloris %d gets 408 within the request timeout (%.1f s)" % (i, took),
                  check_httpd.status_of(resp) == 408 and 0 < took <= REQUEST_TIMEOUT + 3,
                  repr(resp[:60]))
    res.check("serving again after the slowloris", served())


def main():
    with k.DeviceNet() as net:
        if "httpd: status page on port 80" not in net.dev.out:
            k.die("the device did not start httpd:\n" + net.dev.out)
        in_ns(net.ns.name)
        if subprocess.run(["which", "curl"], stdout=subprocess.DEVNULL).returncode != 0:
            k.die("curl is not installed (scripts/deps.sh test)")
        for _ in range(50):
            if served():
                break
            time.sleep(0.1)
        check_curl()
        a = type("A", (), {"max_conn": MAX_CONN, "request_timeout": REQUEST_TIMEOUT})()
        check_httpd.check_statuses(IP, 80, a)
        check_httpd.check_503(IP, 80, a)
        res.check("served again after the 503s", served())
        check_parallel_curl()
        check_httpd.check_parallel(IP, 80, a)
        check_malformed()
        check_slowloris()
        out = net.shell("ps")
        res.check("device shell still answers (httpd task listed)", "httpd" in out, out)
    res.done()


if __name__ == "__main__":
    main()
