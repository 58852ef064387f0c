#!/usr/bin/env python3
"""bench/lib/search.py: sequential search requests against Bastide's API
(GET /api/v1/search?q=...) over one keep-alive connection, with a bearer
token; times each request from sending it to having read the whole reply,
and prints the latency percentiles (see bench/collab). Standard library
only.

Input: one query per line on stdin. Output on stdout: one line per query
"Q\tN\tP50_MS\tMAX_MS\tITEMS" (requests, median, slowest, items in its
first reply), then "total N P50_MS P95_MS P99_MS MAX_MS"."""
import argparse
import http.client
import json
import sys
import time
import urllib.parse


def percentile(values, p):
    """Nearest-rank percentile of a non-empty list."""
    s = sorted(values)
    k = max(0, min(len(s) - 1, int(round(p / 100.0 * len(s) + 0.5)) - 1))
    return s[k]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--host-header", required=True)
    ap.add_argument("--token", required=True)
    ap.add_argument("--requests", type=int, default=200, help="measured requests")
    ap.add_argument("--warmup", type=int, default=0, help="unmeasured requests first")
    ap.add_argument("--limit", type=int, default=0,
                    help="results per page (default: none sent, the API's default)")
    a = ap.parse_args()
    queries = [line.rstrip("\n") for line in sys.stdin if line.strip()]
    if not queries:
        sys.exit("search.py: no queries on stdin")
    headers = {"Host": a.host_header, "Authorization": "Bearer " + a.token,
               "Accept": "application/json"}
    conn = http.client.HTTPConnection("127.0.0.1", a.port, timeout=30)
    per_query = {q: [] for q in queries}
    items = {}
    all_ms = []
    for i in range(a.warmup + a.requests):
        q = queries[i % len(queries)]
        args = {"q": q, "limit": a.limit} if a.limit else {"q": q}
        path = "/api/v1/search?" + urllib.parse.urlencode(args)
        t0 = time.perf_counter()
        conn.request("GET", path, headers=headers)
        resp = conn.getresponse()
        body = resp.read()
        ms = (time.perf_counter() - t0) * 1000.0
        if resp.status != 200:
            sys.exit("search.py: %s answered %d: %s" % (path, resp.status, body[:200]))
        if q not in items:
            items[q] = len(json.loads(body).get("items", []))
        if i >= a.warmup:
            per_query[q].append(ms)
            all_ms.append(ms)
    conn.close()
    for q in queries:
        v = per_query[q]
        if v:
            print("%s\t%d\t%.2f\t%.2f\t%d" % (q, len(v), percentile(v, 50), max(v), items[q]))
    print("total %d %.2f %.2f %.2f %.2f" % (len(all_ms), percentile(all_ms, 50),
                                           percentile(all_ms, 95), percentile(all_ms, 99),
                                           max(all_ms)))


if __name__ == "__main__":
    main()
