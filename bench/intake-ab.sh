#!/usr/bin/env bash
# shellcheck disable=SC2034,SC2016  # (hooks are evaluated later, in bench_intake_durable)
# Two builds of yiwang on the durable intakes of bench/appeals.sh (a), alternating: the
# before/after of a change to the intake path measured in one session.
#
#	bench/intake-ab.sh OLD_BINARY NEW_BINARY DEMO_DB [NEW_DEMO_DB]
#
# DEMO_DB: a `yiwang demo` database (both builds must open it: the older build first when
# the newer adds a migration); NEW_DEMO_DB, when given, is the one NEW runs on (a database
# setting measured with one binary: OLD_BINARY = NEW_BINARY). Each round runs OLD then NEW (NEW then OLD in even rounds),
# each on a fresh copy of DEMO_DB, `wrk -c CONNECTIONS` for DURATION seconds, then SIGKILL
# and the rows counted (bench_intake_durable). Besides req/s and the server's CPU per
# intake, the CPU per intake of the writer thread (yw-writer) and of every other thread that
# is not a libmicrohttpd worker: the serial part, which every intake waits for in turn.
# Environment: DURATION (5), REPEAT (3), CONNECTIONS (256), THREADS (16), and
# BENCH_ACCESS_LOG=0 to serve without the access log (it is on by default, as in (a)).
set -uo pipefail
. "$(dirname "$0")/lib.sh"
[ $# = 3 ] || [ $# = 4 ] || bench_die "usage: bench/intake-ab.sh OLD_BINARY NEW_BINARY DEMO_DB [NEW_DEMO_DB]"
OLD=$1 NEW=$2 DEMO=$3 NEW_DEMO=${4:-$3}
BENCH_DURATION=${DURATION:-5}
CONNS=${CONNECTIONS:-256}
THREADS=${THREADS:-16}
REPEAT=${REPEAT:-3}
bench_init
echo "# bench/intake-ab.sh — $(date -u '+%Y-%m-%d %H:%M:%S UTC'), machine: $(bench_machine), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# old: $OLD on $DEMO, new: $NEW on $NEW_DEMO; DURATION=$BENCH_DURATION REPEAT=$REPEAT CONNECTIONS=$CONNS THREADS=$THREADS"
bench_intake_lua "$BENCH_TMP/intake.lua"

# CPU ns per thread name of PID: "name ns" lines (threads of one name summed).
thread_cpu() {
	local t
	for t in /proc/"$1"/task/*; do
		printf '%s %s\n' "$(cat "$t/comm" 2>/dev/null)" "$(cut -d' ' -f1 "$t/schedstat" 2>/dev/null)"
	done | awk 'NF == 2 {s[$1] += $2} END {for (k in s) print k, s[k]}'
}

declare -A US SER WR RPS
for which in old new; do US[$which]='' SER[$which]='' WR[$which]='' RPS[$which]=''; done
DURABILITY=()
for ((i = 1; i <= REPEAT; i++)); do
	order="old new"
	((i % 2)) || order="new old"
	for which in $order; do
		bin=$OLD src=$DEMO
		[ "$which" = new ] && bin=$NEW src=$NEW_DEMO
		db=$BENCH_TMP/intake.db
		rm -f "$db" "$db-wal" "$db-shm"
		cp "$src" "$db"
		count_cases() { sqlite3 "$db" "SELECT COUNT(*) FROM cases"; }
		logopt=(--access-log "$BENCH_TMP/access.log")
		[ "${BENCH_ACCESS_LOG:-1}" = 0 ] && logopt=()
		BENCH_YIWANG=$bin bench_yiwang_start "$db" "${logopt[@]}" --threads "$THREADS"
		name=$which-$i
		A_RPS=() A_US=() A_OTHER=()
		BENCH_INTAKE_PRE='thread_cpu "$pid" >"$BENCH_TMP/$name.t0"' \
			BENCH_INTAKE_POST='thread_cpu "$pid" >"$BENCH_TMP/$name.t1"' \
			OUT_RPS=A_RPS OUT_US=A_US OUT_OTHER=A_OTHER \
			bench_intake_durable "$which" "$i" "$name" "$YIWANG_PID" "http://127.0.0.1:$YIWANG_PORT" "$CONNS" count_cases
		reqs=$(awk '/ requests in / {print $1; exit}' "$BENCH_TMP/wrk/$name.txt")
		# Serial: every thread but the libmicrohttpd workers (MHD-worker): the writer, the
		# checkpointer and the main thread (which sleeps).
		read -r ser wr < <(awk -v r="${reqs:-0}" 'FNR == NR {a[$1] = $2; next}
			{d = $2 - a[$1]; if ($1 !~ /^MHD-/) s += d; if ($1 == "yw-writer") w += d}
			END {printf "%.1f %.1f\n", r ? s / 1e3 / r : 0, r ? w / 1e3 / r : 0}' \
			"$BENCH_TMP/$name.t0" "$BENCH_TMP/$name.t1")
		US[$which]+="${A_US[0]} " SER[$which]+="$ser " WR[$which]+="$wr " RPS[$which]+="${A_RPS[0]} "
		echo "round $i $which: ${A_RPS[0]} r/s, ${A_US[0]} µs/intake (writer $wr, serial $ser), other ${A_OTHER[0]}%, $BENCH_INTAKE_VERDICT"
	done
done
echo
printf '%-5s %9s %12s %12s %12s\n' build "med r/s" "µs/intake" "writer µs" "serial µs"
for which in old new; do
	# shellcheck disable=SC2086
	printf '%-5s %9s %12s %12s %12s\n' "$which" "$(bench_median ${RPS[$which]})" "$(bench_median ${US[$which]})" \
		"$(bench_median ${WR[$which]})" "$(bench_median ${SER[$which]})"
done
echo
bench_durability_header
printf '%s\n' "${DURABILITY[@]}"
