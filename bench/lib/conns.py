#!/usr/bin/env python3
"""Holds N keep-alive connections open to a server and reports its memory.

Opens N TCP connections to HOST:PORT, sends one complete GET on each (with
the given Host and Cookie headers), reads each full response (status line,
headers, Content-Length body) so the server has really handled a request on
every connection, keeps them all open, then reads VmRSS and VmHWM of PID
from /proc/PID/status and prints one line:

    ok=N open=N failed=N statuses=200:N rss_kb=N hwm_kb=N

then closes every connection. Standard library only. Exit status 0 when
the line could be printed (failures are reported, not fatal), 1 otherwise.

Connections come from several loopback source addresses (127.0.0.2,
127.0.0.3, ...; --per-source connections each) so that a per-address
connection limit of the server does not cap the count: every 127.0.0.0/8
address reaches the loopback interface on Linux.

Usage: conns.py --pid PID --port PORT --count N --host-header H [--cookie C]
                [--path /] [--settle SECONDS] [--per-source N]
"""
import argparse
import selectors
import socket
import sys
import time

TIMEOUT_S = 30.0        # the whole open-and-request phase
BATCH = 100             # connections opened per round before waiting
MAX_RESPONSE = 1 << 20  # a home page is a few KB


class Conn:
    def __init__(self, sock, request):
        self.sock = sock
        self.out = request
        self.buf = b""
        self.need = None   # total bytes of the response once headers parsed
        self.status = None
        self.done = False
        self.failed = None


def read_status(path):
    vals = {}
    with open(path, encoding="ascii", errors="replace") as f:
        for line in f:
            for key in ("VmRSS:", "VmHWM:"):
                if line.startswith(key):
                    vals[key[:-1]] = int(line.split()[1])
    return vals


def parse_head(c):
    end = c.buf.find(b"\r\n\r\n")
    if end < 0:
        if len(c.buf) > MAX_RESPONSE:
            c.failed = "header too large"
        return
    head = c.buf[:end].decode("latin-1").split("\r\n")
    parts = head[0].split(" ", 2)
    c.status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
    length = None
    for h in head[1:]:
        name, _, value = h.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
        if name.strip().lower() == "transfer-encoding":
            c.failed = "chunked reply not supported by this holder"
            return
    if length is None:
        c.failed = "no Content-Length"
        return
    c.need = end + 4 + length


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pid", type=int, required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--addr", default="127.0.0.1")
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--host-header", required=True)
    ap.add_argument("--cookie", default="")
    ap.add_argument("--path", default="/")
    ap.add_argument("--settle", type=float, default=0.5)
    ap.add_argument("--per-source", type=int, default=100,
                    help="connections per loopback source address (0: all from the default)")
    a = ap.parse_args()
    if a.per_source > 0 and 2 + (a.count - 1) // a.per_source > 254:
        ap.error("too many connections for --per-source %d" % a.per_source)

    req = "GET %s HTTP/1.1\r\nHost: %s\r\n" % (a.path, a.host_header)
    if a.cookie:
        req += "Cookie: %s\r\n" % a.cookie
    req += "Connection: keep-alive\r\nAccept: text/html\r\n\r\n"
    request = req.encode("latin-1")

    sel = selectors.DefaultSelector()
    conns = []
    deadline = time.monotonic() + TIMEOUT_S

    def pump(until_all_done):
        """Runs the event loop until every open connection finished."""
        while True:
            pending = [c for c in conns if not c.done and not c.failed]
            if not pending:
                return
            if time.monotonic() > deadline:
                for c in pending:
                    c.failed = "timeout"
                return
            for key, ev in sel.select(timeout=0.5):
                c = key.data
                try:
                    if ev & selectors.EVENT_WRITE and c.out:
                        n = c.sock.send(c.out)
                        c.out = c.out[n:]
                        if not c.out:
                            sel.modify(c.sock, selectors.EVENT_READ, c)
                        continue
                    if ev & selectors.EVENT_READ:
                        data = c.sock.recv(65536)
                        if not data:
                            c.failed = "closed by server"
                        c.buf += data
                        if c.need is None:
                            parse_head(c)
                        if c.need is not None and len(c.buf) >= c.need:
                            c.done = True
                            c.buf = b""
                except (BlockingIOError, InterruptedError):
                    continue
                except OSError as e:
                    c.failed = "socket error: %s" % e
                if c.done or c.failed:
                    sel.unregister(c.sock)
            if not until_all_done:
                return

    for i in range(a.count):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        try:
            if a.per_source > 0:
                s.bind(("127.0.0.%d" % (2 + i // a.per_source), 0))
            s.connect((a.addr, a.port))
        except BlockingIOError:
            pass
        except OSError as e:
            c = Conn(s, b"")
            c.failed = "connect: %s" % e
            conns.append(c)
            continue
        c = Conn(s, request)
        conns.append(c)
        sel.register(s, selectors.EVENT_WRITE, c)
        if (i + 1) % BATCH == 0:
            pump(True)
    pump(True)

    # connections that finished are still open; give the server a moment to
    # settle back to idle on each of them, then measure
    time.sleep(a.settle)
    still_open = 0
    for c in conns:
        if c.done:
            try:
                # a peek that would block means the connection is alive
                c.sock.setblocking(False)
                if c.sock.recv(1, socket.MSG_PEEK) == b"":
                    c.failed = "closed by server after reply"
                    c.done = False
                    continue
            except BlockingIOError:
                pass
            except OSError as e:
                c.failed = "socket error: %s" % e
                c.done = False
                continue
            still_open += 1
    try:
        vals = read_status("/proc/%d/status" % a.pid)
    except OSError as e:
        print("conns.py: cannot read /proc/%d/status: %s" % (a.pid, e), file=sys.stderr)
        return 1

    statuses = {}
    for c in conns:
        if c.status is not None:
            statuses[c.status] = statuses.get(c.status, 0) + 1
    reasons = {}
    for c in conns:
        if c.failed:
            reasons[c.failed] = reasons.get(c.failed, 0) + 1
    for reason, n in sorted(reasons.items()):
        print("conns.py: %d connection(s): %s" % (n, reason), file=sys.stderr)
    print("ok=%d open=%d failed=%d statuses=%s rss_kb=%d hwm_kb=%d" % (
        sum(1 for c in conns if c.done and c.status == 200 and not c.failed),
        still_open,
        sum(1 for c in conns if c.failed or c.status != 200),
        ",".join("%d:%d" % kv for kv in sorted(statuses.items())) or "none",
        vals.get("VmRSS", 0), vals.get("VmHWM", 0)))
    sys.stdout.flush()
    for c in conns:
        try:
            c.sock.close()
        except OSError:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
