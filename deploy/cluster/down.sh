#!/usr/bin/env bash
# Removes what up.sh brought up: every process it started (by the pid files it wrote, and
# each PostgreSQL by its postmaster.pid) and the state directory. Safe to run twice.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

[ -d "$D" ] || { say "nothing in $D"; exit 0; }
# The front and the nodes first (clients see the end), then PgBouncer and the PostgreSQL
# HAProxy; then Patroni, whose PostgreSQL runs in its own session and is stopped by its
# data directory; etcd last.
stop_pidfile "$D/run/haproxy-front.pid"
for f in "$D"/run/node[0-9].pid; do [ -e "$f" ] && stop_pidfile "$f"; done
stop_pidfile "$D/run/pgbouncer.pid"
stop_pidfile "$D/run/haproxy-pg.pid"
# (the data is about to be deleted: no orderly shutdown needed)
for i in 1 2 3; do stop_pidfile "$D/run/patroni$i.pid" KILL; done
for i in 1 2 3; do
	data="$D/pg/p$i/data"
	if [ -f "$data/postmaster.pid" ]; then
		as_pg "$PGBIN/pg_ctl" -D "$data" stop -m immediate -w -t 30 >/dev/null 2>&1 || {
			pid=$(head -n1 "$data/postmaster.pid" 2>/dev/null)
			[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
		}
	fi
done
for i in 1 2 3; do stop_pidfile "$D/run/etcd$i.pid"; done
rm -rf "$D"
say "removed $D"
