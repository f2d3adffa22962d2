#!/usr/bin/env python3
"""Interop: the hosted device's datalink survives server restarts.

Starts tools/datalink-server.py (with a --log), boots the hosted device
(build/hosted/kestrel, or $KESTREL), runs `datalink start 10.0.2.2:PORT`
(libslirp: the host is 10.0.2.2 from the device), queues records with
`datalink send`, kills the server mid-stream and restarts it (twice), and
finally checks the server's log: for the device's session the sequence
numbers are exactly 1..N with no gap and no duplicate, and every user
record ("msg-<i>") appears exactly once.

Not wired into CTest (needs the hosted device with networking); run:
    python3 tests/interop/datalink/test_reconnect.py [--kestrel PATH]
"""
import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
SERVER = os.path.join(ROOT, "tools", "datalink-server.py")


def start_server(port, log):
    return subprocess.Popen([sys.executable, SERVER, "--port", str(port), "--bind", "127.0.0.1",
                             "--log", log, "--quiet"])


def device_cmd(dev, line):
    dev.stdin.write((line + "\n").encode())
    dev.stdin.flush()


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kestrel", default=os.environ.get(
        "KESTREL", os.path.join(ROOT, "build", "hosted", "kestrel")))
    ap.add_argument("--port", type=int, default=18087)
    ap.add_argument("--records", type=int, default=30)
    args = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix="datalink-")
    log = os.path.join(tmp, "records.jsonl")
    srv = start_server(args.port, log)
    time.sleep(0.5)
    dev = subprocess.Popen([args.kestrel, "-q"], stdin=subprocess.PIPE,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(2.0)  # DHCP
        device_cmd(dev, f"datalink start 10.0.2.2:{args.port}")
        for i in range(args.records):
            device_cmd(dev, f"datalink send msg-{i}")
            time.sleep(0.1)
            if i in (args.records // 3, 2 * args.records // 3):
                srv.send_signal(signal.SIGKILL)  # mid-stream, no goodbye
                srv.wait()
                time.sleep(1.5)
                srv = start_server(args.port, log)
        time.sleep(35.0)  # longest back-off (30 s) plus resend time
        device_cmd(dev, "datalink status")
    finally:
        dev.kill()
        srv.kill()
        dev.wait()
        srv.wait()

    sessions = {}
    with open(log) as f:
        for line in f:
            try:
                r = json.loads(line)
            except ValueError:
                continue
            sessions.setdefault(r["session"], []).append(r)
    if len(sessions) != 1:
        print(f"FAIL: expected one device session, got {list(sessions)}")
        return 1
    recs = next(iter(sessions.values()))
    seqs = [r["seq"] for r in recs]
    if seqs != list(range(1, len(seqs) + 1)):
        print(f"FAIL: sequence numbers not 1..N without gaps/duplicates: {seqs}")
        return 1
    msgs = [r["data"] for r in recs if r["data"].startswith("msg-")]
    want = [f"msg-{i}" for i in range(args.records)]
    if msgs != want:
        print(f"FAIL: user records lost, duplicated or reordered: {msgs}")
        return 1
    print(f"PASS: {len(seqs)} records (incl. samples) across 2 server restarts, "
          f"none lost or duplicated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
