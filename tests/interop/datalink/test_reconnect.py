#!/usr/bin/env python3
"""Interop: the hosted device's datalink survives server restarts.

The device runs on a TAP in a fresh network namespace (10.77.0.2);
tools/datalink-server.py (with a --log) listens on the Linux side
(10.77.0.1:8087). The test runs `datalink start 10.77.0.1:8087`, queues
records with `datalink send msg-<i>` (retrying on ENOSPC, the device's
flow control while the server is down), SIGKILLs the server mid-stream and
restarts it twice (each time after stopping it with SIGSTOP for three
records, so some records were sent but never acknowledged), waits until the device reports the link up with nothing
queued, and checks the server's log: one device session, sequence numbers
exactly 1..N with no gap and no duplicate, every user record exactly once
and in order, and the device counted reconnects and resends.

    sudo python3 tests/interop/datalink/test_reconnect.py     (or via ctest)
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import kestrel_netns as k  # noqa: E402

SERVER = os.path.join(k.ROOT, "tools", "datalink-server.py")
PORT = 8087
RECORDS = 30
res = k.Results("interop.datalink.reconnect")


def start_server(net, log):
    p = net.ns.popen([k.PYTHON, SERVER, "--port", str(PORT), "--bind", net.linux_ip,
                      "--log", log, "--quiet"], stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL)
    for _ in range(50):  # listening?
        r = net.ns_run(["ss", "-Hltn", "sport = :%d" % PORT], check=False)
        if str(PORT) in r.stdout:
            return p
        time.sleep(0.1)
    k.die("datalink-server.py did not start listening")


def kill_server(p):
    # `ip netns exec` execs the server, so p.pid is the server itself
    os.kill(p.pid, signal.SIGKILL)
    p.wait()


def status(net):
    return net.shell("datalink status")


def main():
    tmp = tempfile.mkdtemp(prefix="kestrel-datalink-")
    log = os.path.join(tmp, "records.jsonl")
    try:
        with k.DeviceNet() as net:
            srv = start_server(net, log)
            out = net.shell("datalink start %s:%d" % (net.linux_ip, PORT))
            res.check("datalink start", "error" not in out.lower(), out)
            deadline = time.time() + 10
            while "state up" not in status(net) and time.time() < deadline:
                time.sleep(0.2)
            res.check("link up", "state up" in status(net), status(net))
            kills = (RECORDS // 3, 2 * RECORDS // 3)
            enospc = 0
            for i in range(RECORDS):
                for _ in range(100):
                    out = net.shell("datalink send msg-%d" % i)
                    if "ENOSPC" not in out:
                        break
                    enospc += 1
                    time.sleep(0.2)
                if not re.search(r"queued seq \d+", out):
                    res.check("datalink send msg-%d queued" % i, False, out)
                time.sleep(0.1)
                if i + 3 in kills:
                    srv.send_signal(signal.SIGSTOP)  # records go out but are not acked
                if i in kills:
                    time.sleep(0.3)
                    kill_server(srv)  # mid-stream, no goodbye
                    time.sleep(1.5)
                    srv = start_server(net, log)
            deadline = time.time() + 45  # back-off is at most 30 s
            st = status(net)
            while time.time() < deadline:
                st = status(net)
                m = re.search(r"queued (\d+)", st)
                if "state up" in st and m and m.group(1) == "0":
                    break
                time.sleep(0.5)
            res.check("device reconnected and drained its queue", "state up" in st
                      and re.search(r"queued 0\b", st) is not None, st)
            m = re.search(r"reconnects (\d+)", st)
            res.check("device counted at least 2 reconnects (%s)" % (m.group(1) if m else "?"),
                      m is not None and int(m.group(1)) >= 2, st)
            m = re.search(r"resent (\d+)", st)
            res.check("unacknowledged records were resent (%s)" % (m.group(1) if m else "?"),
                      m is not None and int(m.group(1)) >= 1, st)
            print(st)
            out = net.shell("datalink stop")
            time.sleep(0.3)
            kill_server(srv)
    finally:
        sessions = {}
        if os.path.exists(log):
            with open(log) as f:
                for line in f:
                    try:
                        r = json.loads(line)
                    except ValueError:
                        continue
                    sessions.setdefault(r["session"], []).append(r)
        shutil.rmtree(tmp, ignore_errors=True)
    res.check("one device session in the log (%d)" % len(sessions), len(sessions) == 1,
              str(list(sessions)))
    recs = next(iter(sessions.values())) if sessions else []
    seqs = [r["seq"] for r in recs]
    res.check("sequence numbers 1..%d, no gap, no duplicate" % len(seqs),
              len(seqs) > RECORDS and seqs == list(range(1, len(seqs) + 1)), str(seqs))
    msgs = [r["data"] for r in recs if r["data"].startswith("msg-")]
    want = ["msg-%d" % i for i in range(RECORDS)]
    res.check("all %d user records exactly once, in order (%d ENOSPC retries)"
              % (RECORDS, enospc if "enospc" in dir() else -1), msgs == want, str(msgs))
    res.check("samples logged too", any(r["data"].startswith("sample") for r in recs))
    res.done()


if __name__ == "__main__":
    main()
