#!/usr/bin/env bash
# yiwang on PostgreSQL against yiwang on SQLite, in the same run: the same demo, the same
# requests, yiwang pinned to one core (taskset -c 1), wrk to the other (-c 0), PostgreSQL
# unpinned (it shares the machine with wrk, as a database server shares its own host).
# Prints, per workload, the median requests/s of each backend and their ratio
# (PostgreSQL / SQLite); issue 14's targets: reads >= 0.5, list pages >= 0.5, intakes >= 0.3.
#
#   bench/pg.sh                      # builds build/yiwang if needed
#   REPEAT=5 DURATION=10 bench/pg.sh
#
# Workloads (the read cache off on both: PostgreSQL has no cheap data version, so the
# cache never answers there, and a city's reads seldom repeat within a second anyway):
#   read    GET /api/v1/appeals/{id}, the id rotating over 200 appeals of the agent's area
#   list    GET /api/v1/appeals?status=S&page=P&per_page=20, status and page rotating over
#           18 pages (the first pages of four statuses, and of all appeals)
#   intake  POST /api/v1/appeals (durable: after each run yiwang is killed with SIGKILL and
#           the rows are counted against the 201s wrk saw)
#
# The PostgreSQL 15 cluster is a throwaway one (scripts/pg-temp.sh) with these settings on
# top of the defaults; durability stays on (fsync, synchronous_commit, full_page_writes):
PG_SETTINGS=${PG_SETTINGS:-"shared_buffers=256MB effective_cache_size=1GB max_wal_size=2GB wal_buffers=16MB"}
#
# Environment: DURATION (10 s per run), REPEAT (3 runs per backend, alternating), CONNECTIONS
# (32 for the reads), INTAKE_CONNECTIONS (128), THREADS (yiwang --threads, 16), WARMUP (2 s),
# BENCH_PG_DIR (where the cluster lives, default a new /tmp/yiwang-bench-pg.XXXXXX),
# WORKLOADS (which to run, default "read list intake").
# shellcheck disable=SC2034  # arrays named by OUT_* are filled through eval in lib.sh
set -uo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

DURATION=${DURATION:-10}
REPEAT=${REPEAT:-3}
CONNECTIONS=${CONNECTIONS:-32}
INTAKE_CONNECTIONS=${INTAKE_CONNECTIONS:-128}
THREADS=${THREADS:-16}
WARMUP=${WARMUP:-2}
WORKLOADS=${WORKLOADS:-read list intake}
BENCH_DURATION=$DURATION
BENCH_CONNECTIONS=$CONNECTIONS

for tool in sqlite3 psql; do
	command -v "$tool" >/dev/null || bench_die "$tool is not installed"
done
bench_init
bench_build

if [ -n "${BENCH_PG_ADMIN:-}" ]; then
	# An existing cluster and demo: BENCH_PG_ADMIN (admin URI), BENCH_PG_DEMO (the name of
	# a database holding `yiwang demo`, no one connected to it) and BENCH_DEMO (the same
	# demo on SQLite). Its settings are used as they are.
	[ -n "${BENCH_PG_DEMO:-}" ] && [ -f "${BENCH_DEMO:-}" ] || bench_die "BENCH_PG_ADMIN needs BENCH_PG_DEMO and BENCH_DEMO"
	ADMIN=$BENCH_PG_ADMIN
	PGDIR=
	trap bench_cleanup EXIT
else
	# The cluster lives outside BENCH_TMP (0700, not searchable by the postgres user).
	PGDIR=${BENCH_PG_DIR:-$(mktemp -d /tmp/yiwang-bench-pg.XXXXXX)}
	pg_cleanup() {
		bench_cleanup
		"$BENCH_ROOT/scripts/pg-temp.sh" stop "$PGDIR" >/dev/null 2>&1
	}
	trap pg_cleanup EXIT
	ADMIN=$("$BENCH_ROOT/scripts/pg-temp.sh" start "$PGDIR") || bench_die "scripts/pg-temp.sh start failed"
	for kv in $PG_SETTINGS; do
		psql -q "$ADMIN" -c "ALTER SYSTEM SET ${kv%%=*} = '${kv#*=}'" || bench_die "setting $kv failed"
	done
	"$BENCH_ROOT/scripts/pg-temp.sh" restart "$PGDIR" || bench_die "restarting PostgreSQL failed"
	PG_SHOWN=$PG_SETTINGS
fi
PGBASE=${ADMIN%/*}
PGVERSION=$(psql -Atq "$ADMIN" -c "SHOW server_version")
# The postmaster: the parent of the checkpointer (its children are every backend).
PGPID=$(ps -o ppid= -p "$(psql -Atq "$ADMIN" -c "SELECT pid FROM pg_stat_activity WHERE backend_type = 'checkpointer'")" | tr -d ' ')
[ -n "$PGPID" ] || bench_die "PostgreSQL's postmaster not found (is it on this machine?)"
PG_SHOWN=$(psql -Atq "$ADMIN" -c "SELECT string_agg(name || '=' || current_setting(name), ' ' ORDER BY name) FROM pg_settings WHERE name IN ('shared_buffers', 'effective_cache_size', 'max_wal_size', 'wal_buffers', 'fsync', 'synchronous_commit', 'full_page_writes')")

echo "# bench/pg.sh — $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "# machine: $(bench_machine) (shared: other sessions' load shows in other%)"
echo "# yiwang: $(git -C "$BENCH_ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$BENCH_ROOT" diff --quiet HEAD -- src 2>/dev/null || echo ' + uncommitted src changes'), PostgreSQL $PGVERSION ($PG_SHOWN), sqlite3 $(sqlite3 --version | cut -d' ' -f1), $(wrk -v 2>&1 | head -n1 | cut -d' ' -f1-2)"
if [ -n "${BENCH_NO_PIN:-}" ]; then
	echo "# pinning: OFF (fewer than 2 usable cores)"
else
	echo "# pinning: wrk -t1 on core $BENCH_CLIENT_CPU, yiwang on core $BENCH_SERVER_CPU, PostgreSQL unpinned"
fi
echo "# runs: DURATION=$DURATION REPEAT=$REPEAT CONNECTIONS=$CONNECTIONS INTAKE_CONNECTIONS=$INTAKE_CONNECTIONS THREADS=$THREADS"

# ---- the demo on both backends (built side by side) ----

if [ -n "${BENCH_PG_ADMIN:-}" ]; then
	DEMO=$BENCH_DEMO
	PGDEMO_NAME=$BENCH_PG_DEMO
	PGDEMO=$PGBASE/$PGDEMO_NAME
	t0=$(date +%s)
else
	DEMO=$BENCH_TMP/demo.db
	PGDEMO_NAME=yw_bench
	psql -q "$ADMIN" -c "CREATE DATABASE $PGDEMO_NAME" || bench_die "CREATE DATABASE failed"
	PGDEMO=$PGBASE/$PGDEMO_NAME
	t0=$(date +%s)
	"$BENCH_YIWANG" demo --db "$DEMO" >"$BENCH_TMP/demo.log" 2>&1 &
	sq_demo=$!
	"$BENCH_YIWANG" demo --db "$PGDEMO" >"$BENCH_TMP/demo-pg.log" 2>&1 ||
		{ cat "$BENCH_TMP/demo-pg.log" >&2; bench_die "yiwang demo on PostgreSQL failed"; }
	wait "$sq_demo" || { cat "$BENCH_TMP/demo.log" >&2; bench_die "yiwang demo on SQLite failed"; }
fi
psql -q "$PGDEMO" -c "VACUUM ANALYZE" || bench_die "VACUUM ANALYZE failed"
echo "# demo: $(sqlite3 "$DEMO" "SELECT COUNT(*) FROM cases WHERE kind = 'appeal'") appeals on each backend (built in $(($(date +%s) - t0)) s)"

# ---- wrk scripts ----

# Rotating reads: each request takes the next path of the file named by YW_PATHS.
cat >"$BENCH_TMP/rotate.lua" <<'EOF'
local paths = {}
for line in io.lines(os.getenv("YW_PATHS")) do
	table.insert(paths, line)
end
local i = 0

function init(args)
	wrk.headers["Authorization"] = "Bearer " .. os.getenv("YW_TOKEN")
	i = math.random(#paths)
end

function request()
	i = i % #paths + 1
	return wrk.format("GET", paths[i])
end
EOF

bench_intake_lua "$BENCH_TMP/intake.lua"

# The paths the reads rotate over: the newest 200 appeals of the agent's own list, on each
# backend (two demos built at different moments number their appeals alike, but not
# always exactly).
for b in sqlite pg; do
	if [ $b = sqlite ]; then db=$DEMO; else db=$PGDEMO; fi
	bench_yiwang_start "$db" --read-cache off
	tok=$(bench_login "http://127.0.0.1:$YIWANG_PORT" agent)
	curl -sS -H "Authorization: Bearer $tok" "http://127.0.0.1:$YIWANG_PORT/api/v1/appeals?per_page=200" |
		grep -o '{"id":[0-9]*,"number"' | grep -o '[0-9][0-9]*' | sed 's|^|/api/v1/appeals/|' >"$BENCH_TMP/read-$b.paths"
	[ "$(wc -l <"$BENCH_TMP/read-$b.paths")" -ge 50 ] || bench_die "fewer than 50 appeals in the agent's list ($b)"
	bench_stop "$YIWANG_PID"
done
: >"$BENCH_TMP/list.paths"
for sp in closed:5 handling:4 revisit:2 replied:2 all:5; do
	for ((p = 1; p <= ${sp#*:}; p++)); do
		if [ "${sp%:*}" = all ]; then
			echo "/api/v1/appeals?page=$p&per_page=20"
		else
			echo "/api/v1/appeals?status=${sp%:*}&page=$p&per_page=20"
		fi >>"$BENCH_TMP/list.paths"
	done
done
cp "$BENCH_TMP/list.paths" "$BENCH_TMP/list-sqlite.paths"
cp "$BENCH_TMP/list.paths" "$BENCH_TMP/list-pg.paths"
echo "# read: $(wc -l <"$BENCH_TMP/read-sqlite.paths") appeals rotating; list: $(wc -l <"$BENCH_TMP/list.paths") pages rotating (closed, handling, revisit, replied and all, the first pages of each)"

# ---- measuring ----

TABLE=()
SUMMARY=()

# pg_run NAME URL [wrk options]: one_run on yiwang, plus PostgreSQL's CPU per request.
pg_cpu_before() { PG_T0=$(bench_cpu_ns "$PGPID"); }
pg_cpu_after() {
	local reqs
	reqs=$(awk '/ requests in / {print $1; exit}' "$BENCH_TMP/wrk/$1.txt")
	awk -v t="$(($(bench_cpu_ns "$PGPID") - PG_T0))" -v r="${reqs:-0}" \
		'BEGIN {printf "%.1f\n", (r > 0 ? t / 1e3 / r : 0)}'
}

# read_workload LABEL PATHS: REPEAT alternating runs on each backend, each rotating over
# the file PATHS-sqlite.paths or PATHS-pg.paths.
read_workload() {
	local label=$1 paths=$2 i b db
	S_RPS=() S_US=() S_OTHER=() P_RPS=() P_US=() P_OTHER=() P_DB=()
	declare -A port pid tok
	for b in sqlite pg; do
		if [ $b = sqlite ]; then db=$DEMO; else db=$PGDEMO; fi
		bench_yiwang_start "$db" --read-cache off --threads "$THREADS"
		port[$b]=$YIWANG_PORT pid[$b]=$YIWANG_PID
	done
	for b in sqlite pg; do
		tok[$b]=$(bench_login "http://127.0.0.1:${port[$b]}" agent)
		YW_PATHS=$paths-$b.paths YW_TOKEN=${tok[$b]} BENCH_DURATION=$WARMUP \
			bench_wrk "$label-warm-$b" "http://127.0.0.1:${port[$b]}" -s "$BENCH_TMP/rotate.lua" >/dev/null
	done
	for ((i = 1; i <= REPEAT; i++)); do
		for b in $( ((i % 2)) && echo sqlite pg || echo pg sqlite); do
			if [ $b = sqlite ]; then
				YW_PATHS=$paths-$b.paths YW_TOKEN=${tok[$b]} OUT_RPS=S_RPS OUT_US=S_US OUT_OTHER=S_OTHER \
					one_run "$label-$b-$i" "${pid[$b]}" "http://127.0.0.1:${port[$b]}" -s "$BENCH_TMP/rotate.lua"
			else
				pg_cpu_before
				YW_PATHS=$paths-$b.paths YW_TOKEN=${tok[$b]} OUT_RPS=P_RPS OUT_US=P_US OUT_OTHER=P_OTHER \
					one_run "$label-$b-$i" "${pid[$b]}" "http://127.0.0.1:${port[$b]}" -s "$BENCH_TMP/rotate.lua"
				P_DB+=("$(pg_cpu_after "$label-$b-$i")")
			fi
		done
		bench_log "bench: $label run $i/$REPEAT: sqlite ${S_RPS[-1]} req/s, postgres ${P_RPS[-1]} req/s (PostgreSQL ${P_DB[-1]} µs/req)"
	done
	bench_stop "${pid[sqlite]}"
	bench_stop "${pid[pg]}"
	report "$label"
}

# report LABEL: the two rows and the summary line from S_* and P_*.
report() {
	local sq pg
	row "$1 on SQLite" S_RPS S_US S_OTHER
	sq=$MED
	row "$1 on PostgreSQL" P_RPS P_US P_OTHER "" "" "PostgreSQL $(bench_median "${P_DB[@]}") µs/req"
	pg=$MED
	SUMMARY+=("$(printf '%-10s %9s %9s %7s' "$1" "$sq" "$pg" "$(bench_ratio "$pg" "$sq")")")
}

# intake_workload: REPEAT alternating durable runs on each backend, each on a fresh copy
# of the demo, yiwang killed with SIGKILL after each and the rows counted.
DURABILITY=()
intake_workload() {
	local i b db
	# shellcheck disable=SC2034  # filled through OUT_* by bench_intake_durable
	S_RPS=() S_US=() S_OTHER=() P_RPS=() P_US=() P_OTHER=() P_DB=()
	for ((i = 1; i <= REPEAT; i++)); do
		for b in $( ((i % 2)) && echo sqlite pg || echo pg sqlite); do
			if [ $b = sqlite ]; then
				db=$BENCH_TMP/intake.db
				rm -f "$db" "$db-wal" "$db-shm"
				cp "$DEMO" "$db"
				count() { sqlite3 "$db" "SELECT COUNT(*) FROM cases"; }
			else
				psql -q "$ADMIN" -c "DROP DATABASE IF EXISTS yw_intake" -c "CREATE DATABASE yw_intake TEMPLATE $PGDEMO_NAME" ||
					bench_die "copying the PostgreSQL demo failed"
				db=$PGBASE/yw_intake
				count() { psql -Atq "$db" -c "SELECT COUNT(*) FROM cases"; }
			fi
			bench_yiwang_start "$db" --threads "$THREADS"
			if [ $b = sqlite ]; then
				OUT_RPS=S_RPS OUT_US=S_US OUT_OTHER=S_OTHER BENCH_INTAKE_PRE='' BENCH_INTAKE_POST='' \
					bench_intake_durable "$b" "$i" "intake-$b-$i" "$YIWANG_PID" "http://127.0.0.1:$YIWANG_PORT" "$INTAKE_CONNECTIONS" count
			else
				OUT_RPS=P_RPS OUT_US=P_US OUT_OTHER=P_OTHER BENCH_INTAKE_PRE=pg_cpu_before \
					BENCH_INTAKE_POST='P_DB+=("$(pg_cpu_after "$name")")' \
					bench_intake_durable "$b" "$i" "intake-$b-$i" "$YIWANG_PID" "http://127.0.0.1:$YIWANG_PORT" "$INTAKE_CONNECTIONS" count
			fi
		done
	done
	report intake
}

for w in $WORKLOADS; do
	case $w in
	read | list) read_workload "$w" "$BENCH_TMP/$w" ;;
	intake) intake_workload ;;
	*) bench_die "unknown workload $w (WORKLOADS: read list intake)" ;;
	esac
done

echo
printf '%-52s %8s %7s %7s %4s %8s %6s\n' workload "med r/s" min max fail "µs/req" other%
printf '%s\n' "${TABLE[@]}"
echo
printf '%-10s %9s %9s %7s\n' workload "SQLite" "Postgres" ratio
printf '%s\n' "${SUMMARY[@]}"
echo "targets (issue 14): read >= 0.5, list >= 0.5, intake >= 0.3"
echo
echo "durability of the intakes: yiwang killed with SIGKILL after each run, then rows counted"
bench_durability_header
printf '%s\n' "${DURABILITY[@]}"
echo
echo "med r/s, min, max: requests/s of the runs that did not fail (a run fails on any non-2xx"
echo "  response or socket error). µs/req: yiwang's CPU time (all threads) per request; on the"
echo "  PostgreSQL rows the database server's CPU per request follows. other%: share of yiwang's"
echo "  core that other processes took (on PostgreSQL that includes the database itself)."
