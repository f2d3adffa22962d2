#!/usr/bin/env python3
"""Reference server for the Kestrel datalink protocol (docs/datalink.md).

Listens on TCP (default 8087), accepts devices, and for each record:
  HELLO  -> remembers the device session, answers with its own HELLO
            carrying the highest device seq it delivered (so the device
            drops what is acknowledged and resends the rest)
  DATA   -> delivers seq == delivered+1 (logged), drops seq <= delivered
            as a duplicate, acknowledges with an ACK record (or with the
            echo, --echo, which sends the payload back as server DATA)
  ACK    -> releases echoed records the device acknowledged

Delivered records are appended to --log (one JSON object per line, flushed
and fsync'ed BEFORE the ack goes out), and the log is re-read at start-up,
so a killed and restarted server still knows what it delivered: across
restarts no record is lost or logged twice.
"""
import argparse
import json
import os
import socket
import struct
import sys
import threading
import zlib

MAGIC, VERSION = 0x4B44, 1
HELLO, DATA, ACK = 1, 2, 3
HDR = struct.Struct(">HBBIIHH")
PAYLOAD_MAX = 256


def encode(rtype, seq, ack, payload=b""):
    head = HDR.pack(MAGIC, VERSION, rtype, seq, ack, len(payload), 0) + payload
    return head + struct.pack(">I", zlib.crc32(head) & 0xFFFFFFFF)


class ProtocolError(Exception):
    pass


def read_record(f):
    """Reads one record from a file-like socket; None at end of stream."""
    head = f.read(HDR.size)
    if not head:
        return None
    if len(head) < HDR.size:
        raise ProtocolError("truncated header")
    magic, version, rtype, seq, ack, length, flags = HDR.unpack(head)
    if magic != MAGIC or version != VERSION or flags != 0 or rtype not in (HELLO, DATA, ACK):
        raise ProtocolError("bad header")
    if length > PAYLOAD_MAX:
        raise ProtocolError("payload too long")
    rest = f.read(length + 4)
    if len(rest) < length + 4:
        raise ProtocolError("truncated record")
    payload, crc = rest[:length], struct.unpack(">I", rest[length:])[0]
    if zlib.crc32(head + payload) & 0xFFFFFFFF != crc:
        raise ProtocolError("CRC mismatch")
    return rtype, seq, ack, payload


class Server:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.delivered = {}  # session key -> highest device seq delivered
        self.echo_q = {}  # session key -> [(seq, payload)] unacknowledged echoes
        self.echo_seq = {}
        if args.log and os.path.exists(args.log):
            with open(args.log) as f:
                for line in f:
                    try:
                        r = json.loads(line)
                    except ValueError:
                        continue  # a torn last line from a kill
                    key = r["session"]
                    self.delivered[key] = max(self.delivered.get(key, 0), r["seq"])
        self.logf = open(args.log, "a") if args.log else None

    def say(self, *a):
        if not self.args.quiet:
            print(*a, flush=True)

    def log_record(self, key, seq, payload):
        if self.logf:
            self.logf.write(json.dumps({"session": key, "seq": seq,
                                        "data": payload.decode("latin-1")}) + "\n")
            self.logf.flush()
            os.fsync(self.logf.fileno())

    def handle(self, conn, peer):
        f = conn.makefile("rb")
        key = None
        try:
            while True:
                rec = read_record(f)
                if rec is None:
                    break
                out = self.on_record(rec, key)
                if rec[0] == HELLO:
                    key = out[0]
                    out = out[1]
                if out:
                    conn.sendall(out)
        except (ProtocolError, OSError) as e:
            self.say(f"{peer}: closing: {e}")
        finally:
            conn.close()
            self.say(f"{peer}: disconnected")

    def on_record(self, rec, key):
        rtype, seq, ack, payload = rec
        with self.lock:
            if rtype == HELLO:
                sid = struct.unpack(">I", payload[:4])[0]
                key = f"{payload[4:].decode('latin-1')}/{sid:08x}"
                self.delivered.setdefault(key, 0)
                self.release(key, ack)
                self.say(f"HELLO {key} device acked {ack}, we delivered {self.delivered[key]}")
                out = encode(HELLO, 0, self.delivered[key], b"\0\0\0\0server")
                for s, p in self.echo_q.get(key, []):
                    out += encode(DATA, s, self.delivered[key], p)
                return key, out
            if key is None:
                raise ProtocolError("record before HELLO")
            self.release(key, ack)
            if rtype != DATA:
                return b""
            last = self.delivered[key]
            if seq <= last:
                self.say(f"dup {key} seq {seq} (delivered {last})")
                return encode(ACK, 0, last)
            if seq != last + 1:
                raise ProtocolError(f"gap: seq {seq} after {last}")
            self.log_record(key, seq, payload)
            self.delivered[key] = seq
            self.say(f"DATA {key} seq {seq}: {payload!r}")
            if self.args.echo:
                es = self.echo_seq.get(key, 0) + 1
                self.echo_seq[key] = es
                self.echo_q.setdefault(key, []).append((es, payload))
                return encode(DATA, es, seq, payload)
            return encode(ACK, 0, seq)

    def release(self, key, ack):
        q = self.echo_q.get(key)
        if q:
            self.echo_q[key] = [(s, p) for s, p in q if s > ack]

    def serve(self):
        ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind((self.args.bind, self.args.port))
        ls.listen(8)
        self.say(f"datalink server on {self.args.bind}:{self.args.port}")
        while True:
            conn, peer = ls.accept()
            self.say(f"{peer}: connected")
            threading.Thread(target=self.handle, args=(conn, peer), daemon=True).start()


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port", type=int, default=8087, help="TCP port (default 8087)")
    ap.add_argument("--bind", default="0.0.0.0", help="address to listen on")
    ap.add_argument("--log", help="append delivered records here (JSON lines); "
                    "re-read at start so restarts do not duplicate")
    ap.add_argument("--echo", action="store_true",
                    help="send each record's payload back as a server DATA record")
    ap.add_argument("--quiet", action="store_true", help="no per-record output")
    args = ap.parse_args()
    try:
        Server(args).serve()
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
