#!/usr/bin/env python3
"""netbench.py -- the Linux-side clients of bench/net/bench-section.sh; run
inside the benchmark's network namespace (ip netns exec NS ...).

  netbench.py rx HOST [MB] [RUNS] [SECS]   device -> Linux: read MB from chargen (19)
  netbench.py tx HOST [MB] [RUNS] [SECS]   Linux -> device: write MB to discard (9),
                                            half-close, wait for the device's FIN
  netbench.py conn HOST [SECS]             connect + half-close + wait FIN + close
                                            to discard (9), one at a time, for SECS

rx/tx print the best of RUNS in MB/s (1 MB = 10^6 bytes); a run stops early
after SECS (default 20) and counts what it moved. conn prints connections
per second. rx checks the first 148 bytes against the RFC 864 stream.
"""
import socket
import sys
import time

CHUNK = 256 * 1024


def chargen_expected(n):
    out = bytearray()
    line = 0
    while len(out) < n:
        out += bytes(32 + (line + c) % 95 for c in range(72)) + b"\r\n"
        line += 1
    return bytes(out[:n])


def connect(host, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 * 1024 * 1024)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 * 1024 * 1024)
    s.settimeout(30)
    s.connect((host, port))
    return s


def rx_once(host, nbytes, secs):
    buf = bytearray(CHUNK)
    view = memoryview(buf)
    t0 = time.monotonic()
    s = connect(host, 19)
    got = 0
    head = b""
    deadline = t0 + secs
    while got < nbytes:
        n = s.recv_into(view, min(CHUNK, nbytes - got))
        if n == 0:
            break
        if len(head) < 148:
            head += bytes(view[:min(n, 148 - len(head))])
        got += n
        if time.monotonic() > deadline:
            break
    dt = time.monotonic() - t0
    s.close()
    if head != chargen_expected(len(head)):
        print("netbench: chargen stream mismatch", file=sys.stderr)
    return got, dt


def tx_once(host, nbytes, secs):
    data = memoryview(bytes(CHUNK))
    t0 = time.monotonic()
    s = connect(host, 9)
    sent = 0
    deadline = t0 + secs
    while sent < nbytes:
        n = min(CHUNK, nbytes - sent)
        s.sendall(data[:n])
        sent += n
        if time.monotonic() > deadline:
            break
    s.shutdown(socket.SHUT_WR)
    while s.recv(4096):  # the device closes after it has read everything
        pass
    dt = time.monotonic() - t0
    s.close()
    return sent, dt


def tput(fn, host, mb, runs, secs):
    best = 0.0
    for _ in range(runs):
        n, dt = fn(host, int(mb * 1e6), secs)
        best = max(best, n / dt / 1e6)
    print("%.1f" % best)


def conn_rate(host, secs):
    n = 0
    t0 = time.monotonic()
    end = t0 + secs
    while time.monotonic() < end:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(5)
        s.connect((host, 9))
        s.shutdown(socket.SHUT_WR)
        while s.recv(64):
            pass
        s.close()
        n += 1
    print("%.0f" % (n / (time.monotonic() - t0)))


def main(argv):
    if len(argv) < 3 or argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if len(argv) > 1 and argv[1] in ("-h", "--help") else 2
    mode, host = argv[1], argv[2]
    if mode in ("rx", "tx"):
        mb = float(argv[3]) if len(argv) > 3 else 50
        runs = int(argv[4]) if len(argv) > 4 else 3
        secs = float(argv[5]) if len(argv) > 5 else 20
        tput(rx_once if mode == "rx" else tx_once, host, mb, runs, secs)
    elif mode == "conn":
        conn_rate(host, float(argv[3]) if len(argv) > 3 else 2)
    else:
        print("netbench: unknown mode %s" % mode, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
