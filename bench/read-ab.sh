#!/usr/bin/env bash
# shellcheck disable=SC2034
# Two builds of yiwang on the (b2)/(c2) workload of bench/appeals.sh, alternating, beside
# nginx: the before/after of a change to the read path measured in one session.
#
#	bench/read-ab.sh OLD_BINARY NEW_BINARY WORKDIR
#
# WORKDIR holds what a run of bench/appeals.sh made (copy it from its temp dir while it
# runs, or with BENCH_KEEP=1): city.db (`sqlite3 demo.db ".backup city.db"` after the
# sessions were logged in), city.lua and city/{ids,lists}.reqs. Each round runs nginx
# (a static file of the median answer's size), then OLD, then NEW on a fresh copy of
# city.db, for (b2) and (c2). Environment: DURATION (5), REPEAT (3), CONNECTIONS (32),
# PARTS ("ids lists": (b2) and (c2); "ids" for the one-appeal reads alone).
set -uo pipefail
. "$(dirname "$0")/lib.sh"
[ $# = 3 ] || bench_die "usage: bench/read-ab.sh OLD_BINARY NEW_BINARY WORKDIR"
OLD=$1 NEW=$2 W=$3
BENCH_DURATION=${DURATION:-5}
BENCH_CONNECTIONS=${CONNECTIONS:-32}
REPEAT=${REPEAT:-3}
bench_init
echo "# bench/read-ab.sh — $(date -u '+%Y-%m-%d %H:%M:%S UTC'), machine: $(bench_machine)"
echo "# old: $OLD, new: $NEW; DURATION=$BENCH_DURATION REPEAT=$REPEAT CONNECTIONS=$BENCH_CONNECTIONS"
mkdir -p "$BENCH_TMP/www"
head -c 2802 /dev/zero | tr '\0' x >"$BENCH_TMP/www/appeal.json"
head -c 28271 /dev/zero | tr '\0' x >"$BENCH_TMP/www/list.json"
bench_nginx_start "$BENCH_TMP/www"
N=http://127.0.0.1:$NGINX_PORT
for part in ${PARTS:-ids lists}; do
	file=appeal.json
	[ $part = lists ] && file=list.json
	for i in $(seq "$REPEAT"); do
		r=$(BENCH_SERVER_PID=$NGINX_PID bench_wrk "n-$part-$i" "$N/$file")
		echo "$part round $i nginx $r r/s $(bench_cpu_of "n-$part-$i" 1) us/req other $(bench_cpu_of "n-$part-$i" 2)%"
		for which in old new; do
			bin=$OLD
			[ $which = new ] && bin=$NEW
			cp "$W/city.db" "$BENCH_TMP/city.db"
			rm -f "$BENCH_TMP/city.db-wal" "$BENCH_TMP/city.db-shm"
			BENCH_YIWANG=$bin bench_yiwang_start "$BENCH_TMP/city.db" --access-log "$BENCH_TMP/access.log"
			r=$(YW_REQS=$W/city/$part.reqs BENCH_SERVER_PID=$YIWANG_PID bench_wrk "$which-$part-$i" "http://127.0.0.1:$YIWANG_PORT/" -s "$W/city.lua")
			echo "$part round $i $which $r r/s $(bench_cpu_of "$which-$part-$i" 1) us/req other $(bench_cpu_of "$which-$part-$i" 2)%"
			bench_stop "$YIWANG_PID"
		done
	done
done
