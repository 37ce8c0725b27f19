#!/usr/bin/env bash
# Closing a monthly review period over 1,000,000 appeals and 343 units (docs/benchmarks.md,
# "Reviews"): the demo, 261 more townships (so that a scheme of every township ranks 343
# units), and the appeals fixture of bench/appeals.sh (bench_appeals_fixture in lib.sh)
# with the townships among the handling units. A scheme of the six appeal metrics and the
# two dispute metrics over every township; each run opens the draft of another month,
# reads it once (computed on read) and closes it (computed again and frozen: 343 × 8
# cells, totals, ranks, grades, in one transaction), timed with curl.
#
#	bench/reviews.sh                       # ROWS=1000000 REPEAT=7
#	ROWS=100000 REPEAT=3 bench/reviews.sh  # smoke test
#
# BENCH_DEMO=PATH copies a demo database made earlier instead of running `yiwang demo`.
# Needs curl, sqlite3.
set -uo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

ROWS=${ROWS:-1000000}
REPEAT=${REPEAT:-7}
EXTRA_TOWNSHIPS=${EXTRA_TOWNSHIPS:-261}

command -v sqlite3 >/dev/null || bench_die "sqlite3 is not installed (apt-get install sqlite3)"
bench_init
bench_build

echo "# bench/reviews.sh — $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "# machine: $(bench_machine)"
echo "# yiwang: $(git -C "$BENCH_ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'), sqlite3 $(sqlite3 --version | cut -d' ' -f1); ROWS=$ROWS REPEAT=$REPEAT"

DB=$BENCH_TMP/reviews.db
if [ -n "${BENCH_DEMO:-}" ]; then
	cp "$BENCH_DEMO" "$DB" # a demo database made earlier by the same build
else
	"$BENCH_YIWANG" demo --db "$DB" >"$BENCH_TMP/demo.log" 2>&1 || {
		cat "$BENCH_TMP/demo.log" >&2
		bench_die "yiwang demo failed"
	}
fi
now_ms=$(($(date +%s) * 1000))
# More townships, spread over the seven counties, with their paths.
sqlite3 "$DB" >/dev/null <<SQL || bench_die "adding townships failed"
BEGIN;
CREATE TEMP TABLE c AS SELECT row_number() OVER (ORDER BY id) - 1 AS k, id, path FROM units
	WHERE kind = 'county';
INSERT INTO units (parent_id, kind, name, path, depth, created_at, updated_at)
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $EXTRA_TOWNSHIPS - 1)
SELECT c.id, 'township', '基准乡镇' || n.i, 'pending-' || n.i, 2, $now_ms, $now_ms
FROM n JOIN temp.c c ON c.k = n.i % 7;
UPDATE units SET path = (SELECT p.path FROM units p WHERE p.id = units.parent_id) || id || '/'
	WHERE path LIKE 'pending-%';
COMMIT;
SQL
townships=$(sqlite3 "$DB" "SELECT COUNT(*) FROM units WHERE kind = 'township'")
t1=$(date +%s.%N)
BENCH_HANDLERS_SQL="SELECT id, path FROM units WHERE kind = 'township' OR id IN (SELECT DISTINCT unit_id FROM case_assignments)" \
	bench_appeals_fixture "$DB" "$ROWS"
GEN_SECONDS=$(awk -v a="$t1" -v b="$(date +%s.%N)" 'BEGIN {printf "%.0f", b - a}')
total=$(sqlite3 "$DB" "SELECT COUNT(*) FROM cases WHERE kind = 'appeal'")
echo "# fixture: $townships townships, $total appeals, generated in $GEN_SECONDS s"

bench_yiwang_start "$DB"
# The fixture's open appeals are past their deadlines: the scheduler's first passes write
# their overdue flags, warnings and urges (tens of thousands of notices). That backlog is
# the fixture's, not the reviews': wait until the notices stop growing for 10 s.
prev=-1
for ((w = 0; w < 90; w++)); do
	n=$(sqlite3 "$DB" "SELECT COUNT(*) FROM notifications")
	[ "$n" = "$prev" ] && break
	prev=$n
	sleep 10
done
echo "# scheduler backlog done after about $((w * 10)) s ($n notices)"
Y=http://127.0.0.1:$YIWANG_PORT/api/v1
AUTH="Authorization: Bearer $(bench_login "http://127.0.0.1:$YIWANG_PORT" ducha)"
metric() { printf '{"name":"%s","source":"computed","metric":"%s","weight":%s%s}' "$1" "$2" "$3" "${4:-}"; }
scheme=$(curl -sS -H "$AUTH" -H 'Content-Type: application/json' -X POST "$Y/reviews/schemes" -d "{
	\"name\":\"基准：乡镇单月调度\",\"cadence\":\"monthly\",\"unit_kind\":\"township\",\"indicators\":[
	$(metric 响应率 appeal_response_rate 15), $(metric 解决率 appeal_resolution_rate 15),
	$(metric 满意率 appeal_satisfaction_rate 20), $(metric 按时办结率 appeal_on_time_rate 10),
	$(metric 重办率 appeal_reopen_rate 10 ',"direction":"lower","rule":"rank_points"'),
	$(metric 超期件数 appeal_overdue 10 ',"direction":"lower","rule":"bands","bands":[{"at":0,"score":100},{"at":5,"score":80},{"at":20,"score":60}]'),
	$(metric 调解成功率 dispute_success_rate 10), $(metric 村级化解占比 dispute_village_share 10)]}" |
	sed -n 's/^{"id":\([0-9]*\),.*/\1/p')
[ -n "$scheme" ] || bench_die "creating the scheme failed"

draft_ms=() close_ms=()
for ((i = 1; i <= REPEAT; i++)); do
	month=$(TZ=Asia/Shanghai date -d "$(TZ=Asia/Shanghai date +%Y-%m-01) -$i month" +%Y-%m)
	out=$(curl -sS -H "$AUTH" -H 'Content-Type: application/json' -X POST \
		"$Y/reviews/schemes/$scheme/periods" -d "{\"period\":\"$month\"}")
	period=$(printf '%s' "$out" | sed -n 's/^{"id":\([0-9]*\),.*/\1/p')
	[ -n "$period" ] || bench_die "opening $month failed: $(printf '%s' "$out" | head -c 300)"
	units=$(printf '%s' "$out" | grep -o '"grade":' | wc -l)
	draft_ms+=("$(curl -sS -o /dev/null -w '%{time_total}' -H "$AUTH" "$Y/reviews/periods/$period" | awk '{printf "%.1f", $1 * 1000}')")
	code=$(curl -sS -o "$BENCH_TMP/close.json" -w '%{http_code} %{time_total}' -H "$AUTH" -X POST "$Y/reviews/periods/$period/close")
	[ "${code%% *}" = 200 ] || bench_die "closing $month: $code $(head -c 300 "$BENCH_TMP/close.json")"
	close_ms+=("$(printf '%s' "${code#* }" | awk '{printf "%.1f", $1 * 1000}')")
	in_month=$(sqlite3 "$DB" "SELECT COUNT(*) FROM case_assignments a JOIN review_periods p ON p.id = $period WHERE a.dispatched_at >= p.from_at AND a.dispatched_at < p.to_at")
	bench_log "bench: $month: $units units, $in_month assignments in the month, draft ${draft_ms[-1]} ms, close ${close_ms[-1]} ms"
done
bench_stop "$YIWANG_PID"
cells=$(sqlite3 "$DB" "SELECT COUNT(*) FROM review_cells")
echo "# $REPEAT monthly periods closed, $cells frozen cells in all"
printf '%-44s %8s %7s %7s\n' "request" "median" "min" "max"
printf '%-44s %8s %7s %7s\n' "GET  /api/v1/reviews/periods/{id} (draft)" "$(bench_median "${draft_ms[@]}")" \
	"$(printf '%s\n' "${draft_ms[@]}" | sort -g | head -n1)" "$(printf '%s\n' "${draft_ms[@]}" | sort -g | tail -n1)"
printf '%-44s %8s %7s %7s\n' "POST /api/v1/reviews/periods/{id}/close" "$(bench_median "${close_ms[@]}")" \
	"$(printf '%s\n' "${close_ms[@]}" | sort -g | head -n1)" "$(printf '%s\n' "${close_ms[@]}" | sort -g | tail -n1)"
echo "# times in ms (curl time_total, one client on the same machine)"
