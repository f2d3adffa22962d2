#!/usr/bin/env python3
"""Checks a running Kestrel HTTP server from the outside (stdlib only).

usage: check_httpd.py http://127.0.0.1:8080 [--max-conn 4] [--request-timeout 10]

Every status code the server promises (docs/httpd.md), 200 parallel
keep-alive requests, and the slowloris defence (a request trickled one
byte a second gets 408 within the request timeout). Exit status 0 when
all checks pass. For any URL by hand; CTest runs test_httpd.py, which
imports these checks, against a device on a TAP.
"""
import argparse
import concurrent.futures
import http.client
import json
import socket
import sys
import time
import urllib.parse

FAILS = []


def check(name, cond, detail=""):
    print("%s %s%s" % ("ok  " if cond else "FAIL", name, (": " + detail) if detail and not cond else ""))
    if not cond:
        FAILS.append(name)


def raw(host, port, data, timeout=5.0):
    """Sends raw bytes, returns everything until the server closes (or timeout)."""
    s = socket.create_connection((host, port), timeout=timeout)
    try:
        s.sendall(data)
        out = b""
        while True:
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                break
            if not chunk:
                break
            out += chunk
        return out
    finally:
        s.close()


def status_of(resp):
    try:
        return int(resp.split(b" ", 2)[1])
    except (IndexError, ValueError):
        return None


def check_statuses(host, port, a):
    long_url = b"/" + b"a" * 5000
    cases = [
        ("200 GET /", b"GET / HTTP/1.1\r\nHost: d\r\nConnection: close\r\n\r\n", 200),
        ("200 HEAD /", b"HEAD / HTTP/1.1\r\nHost: d\r\nConnection: close\r\n\r\n", 200),
        ("200 /api/status", b"GET /api/status HTTP/1.1\r\nHost: d\r\nConnection: close\r\n\r\n", 200),
        ("404", b"GET /nope HTTP/1.1\r\nHost: d\r\nConnection: close\r\n\r\n", 404),
        ("405", b"POST / HTTP/1.1\r\nHost: d\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", 405),
        ("400 no Host", b"GET / HTTP/1.1\r\n\r\n", 400),
        ("400 bare CR", b"GET / HTTP/1.1\rHost: d\r\n\r\n", 400),
        ("400 obs-fold", b"GET / HTTP/1.1\r\nHost: d\r\nX: a\r\n b\r\n\r\n", 400),
        ("413", b"GET / HTTP/1.1\r\nHost: d\r\nContent-Length: 10000000\r\n\r\n", 413),
        ("414", b"GET " + long_url + b" HTTP/1.1\r\nHost: d\r\n\r\n", 414),
        ("431", b"GET / HTTP/1.1\r\nHost: d\r\n" + b"X-Pad: " + b"p" * 8000 + b"\r\n\r\n", 431),
        ("501", b"BREW / HTTP/1.1\r\nHost: d\r\n\r\n", 501),
        ("505", b"GET / HTTP/2.0\r\nHost: d\r\n\r\n", 505),
    ]
    for name, req, want in cases:
        resp = raw(host, port, req)
        check(name, status_of(resp) == want, repr(resp[:80]))
        if want == 405:
            check("405 has Allow", b"\r\nAllow: GET, HEAD\r\n" in resp)
        check(name + " has Content-Length", b"\r\nContent-Length: " in resp)
    resp = raw(host, port, b"GET /api/status HTTP/1.1\r\nHost: d\r\nConnection: close\r\n\r\n")
    try:
        body = json.loads(resp.split(b"\r\n\r\n", 1)[1])
        ok = all(k in body for k in ("time", "uptime_s", "tasks", "pools", "net"))
        ok = ok and all(k in body["tasks"][0] for k in
                        ("name", "prio", "base_prio", "state", "cpu_pct", "stack_used", "stack_size"))
        check("/api/status JSON fields", ok, str(body)[:200])
    except (ValueError, IndexError, KeyError) as e:
        check("/api/status JSON", False, str(e))


def check_503(host, port, a):
    socks = [socket.create_connection((host, port), timeout=5) for _ in range(a.max_conn)]
    time.sleep(0.5)
    resp = raw(host, port, b"GET / HTTP/1.1\r\nHost: d\r\n\r\n")
    check("503 when all %d slots are busy" % a.max_conn, status_of(resp) == 503, repr(resp[:60]))
    for s in socks:
        s.close()
    time.sleep(0.5)


def keepalive_worker(host, port, n):
    c = http.client.HTTPConnection(host, port, timeout=10)
    ok = 0
    for _ in range(n):
        c.request("GET", "/api/status")
        r = c.getresponse()
        r.read()
        ok += r.status == 200 and r.getheader("Connection", "").lower() == "keep-alive"
    c.close()
    return ok


def check_parallel(host, port, a):
    total, per = 200, 200 // a.max_conn
    with concurrent.futures.ThreadPoolExecutor(a.max_conn) as ex:
        futs = [ex.submit(keepalive_worker, host, port, per) for _ in range(a.max_conn)]
        ok = sum(f.result() for f in futs)
    check("%d keep-alive requests over %d parallel connections" % (per * a.max_conn, a.max_conn),
          ok == per * a.max_conn, "%d ok" % ok)


def trickle(host, port, limit, stop=None):
    """A slowloris client: sends a request line, then one byte a second
    until the server answers or closes, `limit` seconds pass or `stop` is
    set. Returns (bytes received, seconds taken)."""
    s = socket.create_connection((host, port), timeout=limit + 5)
    t0 = time.time()
    s.sendall(b"GET / HTTP/1.1\r\n")
    s.settimeout(1.0)
    resp = b""
    while (stop is None or not stop.is_set()) and time.time() - t0 < limit:
        try:
            s.send(b"X")
            chunk = s.recv(4096)
        except socket.timeout:
            continue
        except OSError:
            break
        if not chunk:
            break
        resp += chunk
    s.close()
    return resp, time.time() - t0


def check_slowloris(host, port, a):
    resp, took = trickle(host, port, a.request_timeout + 5)
    check("slowloris gets 408", status_of(resp) == 408, repr(resp[:60]))
    check("slowloris cut within the request timeout",
          took <= a.request_timeout + 3, "%.1f s" % took)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("url")
    p.add_argument("--max-conn", type=int, default=4)
    p.add_argument("--request-timeout", type=float, default=10.0)
    a = p.parse_args()
    u = urllib.parse.urlparse(a.url)
    host, port = u.hostname, u.port or 80
    check_statuses(host, port, a)
    check_503(host, port, a)
    check_parallel(host, port, a)
    check_slowloris(host, port, a)
    print("%d failed" % len(FAILS))
    sys.exit(1 if FAILS else 0)


if __name__ == "__main__":
    main()
