#!/usr/bin/env bash
# HTTP throughput of yiwang against nginx serving a static file of the same size, on the
# same machine in the same session: the figure that matters is the ratio yiwang/nginx.
#
#	bench/http.sh                          # 10 s runs, 5 repetitions (about 4 minutes)
#	DURATION=3 REPEAT=1 bench/http.sh      # smoke test (about 30 s)
#
# Environment:
#	DURATION      seconds per wrk run (10)
#	REPEAT        measured runs per target (5); nginx and yiwang runs alternate
#	CONNECTIONS   wrk connections (32), one wrk thread
#	WARMUP        seconds of unmeasured load on each target before the first run (1)
#	THREADS       yiwang --threads for the main runs (empty: the server's default)
#	OFF_REPEAT    runs per route with --access-log off, for comparison (1; 0 skips)
#	THREADS_SWEEP e.g. "2 4 16": also measure the units route with each --threads value
#
# wrk runs pinned to core 0 (taskset -c 0 wrk -t1 -c32), nginx and yiwang to core 1. A run
# with any non-2xx/3xx response or socket error counts as failed and is left out of the
# median, min and max. Besides req/s, each run records the server's CPU time per request
# (from /proc/PID/task/*/schedstat) and how much of the server core other processes took: on a shared
# machine req/s swings with other load, CPU per request much less.
set -uo pipefail
# shellcheck source=bench/lib.sh disable=SC2034  # BENCH_* settings are read by lib.sh
. "$(dirname "$0")/lib.sh"

DURATION=${DURATION:-10}
REPEAT=${REPEAT:-5}
CONNECTIONS=${CONNECTIONS:-32}
WARMUP=${WARMUP:-1}
THREADS=${THREADS:-}
OFF_REPEAT=${OFF_REPEAT:-1}
THREADS_SWEEP=${THREADS_SWEEP:-}
BENCH_DURATION=$DURATION
BENCH_CONNECTIONS=$CONNECTIONS

bench_init
bench_build

echo "# bench/http.sh — $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "# machine: $(bench_machine)"
echo "# yiwang: $(git -C "$BENCH_ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$BENCH_ROOT" diff --quiet HEAD -- src 2>/dev/null || echo ' + uncommitted src changes'), nginx: $("$BENCH_NGINX" -v 2>&1 | sed 's/.*version: //'), $(wrk -v 2>&1 | head -n1 | cut -d' ' -f1-2)"
if [ -n "${BENCH_NO_PIN:-}" ]; then
	echo "# pinning: OFF (fewer than 2 usable cores) — client and servers share the CPU"
else
	echo "# pinning: client taskset -c $BENCH_CLIENT_CPU wrk -t1 -c$CONNECTIONS -d${DURATION}s; nginx and yiwang under taskset -c $BENCH_SERVER_CPU"
fi
echo "# runs: DURATION=$DURATION REPEAT=$REPEAT CONNECTIONS=$CONNECTIONS WARMUP=$WARMUP THREADS=${THREADS:-default}; temp dir on $(df -P "$BENCH_TMP" | awk 'NR == 2 {print $1}')"

# ---- the demo database and the yiwang under test ----

DB=$BENCH_TMP/demo.db
"$BENCH_YIWANG" demo --db "$DB" >"$BENCH_TMP/demo.log" 2>&1 || {
	cat "$BENCH_TMP/demo.log" >&2
	bench_die "yiwang demo failed"
}
ACCESS_LOG=$BENCH_TMP/access.log
threads_opt=()
[ -n "$THREADS" ] && threads_opt=(--threads "$THREADS")
bench_yiwang_start "$DB" --access-log "$ACCESS_LOG" "${threads_opt[@]}"
Y=http://127.0.0.1:$YIWANG_PORT
TOKEN=$(bench_login "$Y")
AUTH="Authorization: Bearer $TOKEN"

units=$(curl -sS -G --data-urlencode 'q=海州区' -H "$AUTH" "$Y/api/v1/units") ||
	bench_die "GET /api/v1/units failed"
# The item named exactly 海州区 (the search also finds its departments).
UNIT_ID=$(printf '%s' "$units" | grep -o '{"id":[0-9]*,"name":"海州区"' | head -n1 | grep -o '[0-9][0-9]*')
[ -n "$UNIT_ID" ] || bench_die "no unit 海州区 in: $units"
UNIT_PATH=/api/v1/units/$UNIT_ID

# ---- nginx serving the same bytes ----

WWW=$BENCH_TMP/www
mkdir -p "$WWW"
code=$(curl -sS -o "$WWW/unit.json" -w '%{http_code}' -H "$AUTH" "$Y$UNIT_PATH")
[ "$code" = 200 ] || bench_die "GET $UNIT_PATH answered $code"
code=$(curl -sS -o "$WWW/healthz.json" -w '%{http_code}' "$Y/healthz")
[ "$code" = 200 ] || bench_die "GET /healthz answered $code"
UNIT_BYTES=$(stat -c %s "$WWW/unit.json")
HEALTH_BYTES=$(stat -c %s "$WWW/healthz.json")
bench_nginx_start "$WWW"
N=http://127.0.0.1:$NGINX_PORT
for f in unit.json healthz.json; do
	got=$(curl -sS -o /dev/null -w '%{size_download}' "$N/$f")
	[ "$got" = "$(stat -c %s "$WWW/$f")" ] || bench_die "nginx served $got bytes of $f"
done
echo "# unit $UNIT_ID (海州区): GET $UNIT_PATH body $UNIT_BYTES B; GET /healthz body $HEALTH_BYTES B; nginx serves copies of both bodies"
echo

# ---- runs ----

TABLE=()
BENCH_TARGET_WIDTH=46

run_pair healthz "$N/healthz.json" "$Y/healthz"
row "nginx static ${HEALTH_BYTES} B (= /healthz)" N_RPS N_US N_OTHER
NH=$MED NH_US=$MED_US
row "yiwang GET /healthz" Y_RPS Y_US Y_OTHER "$NH" "$NH_US"

run_pair units "$N/unit.json" "$Y$UNIT_PATH" -H "$AUTH"
row "nginx static ${UNIT_BYTES} B (= unit)" N_RPS N_US N_OTHER
NU=$MED NU_US=$MED_US
row "yiwang GET $UNIT_PATH (Bearer)" Y_RPS Y_US Y_OTHER "$NU" "$NU_US"
log_lines=$(wc -l <"$ACCESS_LOG")

# --access-log off, for comparison: a fresh yiwang on the same database, same token,
# against the nginx medians above.
if [ "$OFF_REPEAT" != 0 ]; then
	bench_stop "$YIWANG_PID"
	bench_yiwang_start "$DB" --access-log off "${threads_opt[@]}"
	Y=http://127.0.0.1:$YIWANG_PORT
	Y_RPS=() Y_US=() Y_OTHER=()
	for ((i = 1; i <= OFF_REPEAT; i++)); do
		OUT_RPS=Y_RPS OUT_US=Y_US OUT_OTHER=Y_OTHER one_run "healthz-logoff-$i" "$YIWANG_PID" "$Y/healthz"
	done
	row "yiwang GET /healthz, --access-log off" Y_RPS Y_US Y_OTHER "$NH" "$NH_US"
	Y_RPS=() Y_US=() Y_OTHER=()
	for ((i = 1; i <= OFF_REPEAT; i++)); do
		OUT_RPS=Y_RPS OUT_US=Y_US OUT_OTHER=Y_OTHER one_run "units-logoff-$i" "$YIWANG_PID" "$Y$UNIT_PATH" -H "$AUTH"
	done
	row "yiwang GET $UNIT_PATH, --access-log off" Y_RPS Y_US Y_OTHER "$NU" "$NU_US"
fi

# --threads sweep on the units route, each against fresh nginx runs alternated with it.
for t in $THREADS_SWEEP; do
	bench_stop "$YIWANG_PID"
	bench_yiwang_start "$DB" --access-log "$ACCESS_LOG" --threads "$t"
	Y=http://127.0.0.1:$YIWANG_PORT
	run_pair "units-t$t" "$N/unit.json" "$Y$UNIT_PATH" -H "$AUTH"
	row "  nginx static ${UNIT_BYTES} B (pair of t=$t)" N_RPS N_US N_OTHER
	NM=$MED NM_US=$MED_US
	row "  yiwang GET $UNIT_PATH --threads $t" Y_RPS Y_US Y_OTHER "$NM" "$NM_US"
done

echo
printf '%-46s %8s %7s %7s %4s %8s %6s %7s %7s\n' target "med r/s" min max fail "µs/req" other% "ratio" "cpu-rat"
printf '%s\n' "${TABLE[@]}"
echo
echo "med r/s, min, max: requests/sec of the runs that did not fail (fail: runs with a non-2xx"
echo "  response or a socket error). µs/req: median server CPU time (user+sys, all threads) per"
echo "  request. other%: median share of the server core taken by other processes during the runs."
echo "ratio: yiwang median req/s / nginx median req/s for the same body size (aim >= 0.50)."
echo "cpu-rat: nginx µs/req / yiwang µs/req: the same ratio measured in CPU cost, which other"
echo "  processes on the machine disturb much less than req/s."
echo "access log written during the main yiwang runs: $log_lines lines."
