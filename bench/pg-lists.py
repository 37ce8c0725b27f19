#!/usr/bin/env python3
"""PostgreSQL's CPU per appeal list page, over a mix of users, filters and pages.

    bench/pg-lists.py PORT PID [--by-filter]

PORT: a yiwang serving a PostgreSQL demo on 127.0.0.1 (`yiwang demo --db URL`, password
yiwang-demo); PID: that server's process id. Logs in as eight demo users of different
areas, warms up, then asks 13 filters x 5 pages for each user three times over one
keep-alive connection, one request at a time, and prints the CPU time that PostgreSQL's
processes (every process of the `postgres` user: run it on a machine where no other
cluster works) and the server spent per request, and the wall time. With --by-filter,
the best of six requests per user and filter instead (ms), to find the slow ones.

Run it against two builds one after the other on the same database (the requests only
read; logging in writes a session) to compare them; docs/benchmarks.md gives the runs.
"""
import http.client
import json
import os
import subprocess
import sys
import time
import urllib.parse

USERS = ['admin', 'agent', 'leader', 'zhujian', 'haizhou', 'xihe', 'zhanqian', 'ducha']
FILTERS = ['', 'status=closed', 'status=intake,dispatched,handling', 'status=handling',
           'unit_id=2', 'unit_id=2&status=closed', 'channel=8890', 'type=complaint',
           'category_id=2', 'urgent=1', 'from=2026-06-01&to=2026-09-01', 'unit_id=5',
           'status=replied']


def cpu_ticks(pids):
    t = 0
    for p in pids:
        try:
            with open('/proc/%d/stat' % p) as f:
                fields = f.read().rsplit(')', 1)[1].split()
            t += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            pass
    return t


def postgres_pids():
    out = subprocess.run(['pgrep', '-u', 'postgres'], capture_output=True, text=True).stdout
    return [int(x) for x in out.split()]


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    port, pid = int(sys.argv[1]), int(sys.argv[2])
    conn = http.client.HTTPConnection('127.0.0.1', port)

    def req(path, tok=None, body=None):
        h = {'Content-Type': 'application/json'}
        if tok:
            h['Authorization'] = 'Bearer ' + tok
        conn.request('POST' if body else 'GET', urllib.parse.quote(path, safe='/?=&,'),
                     body=json.dumps(body) if body else None, headers=h)
        r = conn.getresponse()
        return r.status, r.read()

    toks = {}
    for u in USERS:
        status, body = req('/api/v1/sessions', body={'username': u, 'password': 'yiwang-demo'})
        if status != 201:
            sys.exit('login %s: %d %s' % (u, status, body[:200]))
        toks[u] = json.loads(body)['token']

    def page(tok, f, n):
        return '/api/v1/appeals?per_page=20&page=%d%s' % (n, '&' + f if f else '')

    if '--by-filter' in sys.argv:
        for u in USERS:
            row = []
            for f in FILTERS:
                best = 1e9
                for n in (1, 2, 3, 1, 2, 3):
                    t0 = time.time()
                    req(page(toks[u], f, n), toks[u])
                    best = min(best, time.time() - t0)
                row.append('%s=%.1f' % (f or 'all', best * 1000))
            print(u, ' '.join(row))
        return
    paths = [(toks[u], page(toks[u], f, n)) for u in USERS for f in FILTERS for n in range(1, 6)]
    for tok, p in paths[:200]:
        req(p, tok)
    pg = postgres_pids()
    c0, y0, w0 = cpu_ticks(pg), cpu_ticks([pid]), time.time()
    n = 0
    for _ in range(3):
        for tok, p in paths:
            status, body = req(p, tok)
            if status not in (200, 403):
                sys.exit('%s: %d %s' % (p, status, body[:200]))
            n += 1
    c1, y1, w1 = cpu_ticks(pg), cpu_ticks([pid]), time.time()
    tick = os.sysconf('SC_CLK_TCK')
    print('requests %d  PostgreSQL CPU %.0f us/req  yiwang CPU %.0f us/req  wall %.0f us/req' %
          (n, (c1 - c0) / tick / n * 1e6, (y1 - y0) / tick / n * 1e6, (w1 - w0) / n * 1e6))


if __name__ == '__main__':
    main()
