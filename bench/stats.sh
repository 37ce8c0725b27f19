#!/usr/bin/env bash
# Reads over a million appeals, the new code beside a reference build in the same session
# (docs/benchmarks.md, "Statistics, lists and search over 1,000,000 appeals"):
#
#   month statistics  GET /api/v1/stats/appeals for last calendar month
#   12-month trend    GET /api/v1/stats/appeals/trend for the last twelve months
#   first pages       GET /api/v1/appeals?per_page=20 (all), the same filtered by a state
#                     and the city housing bureau, and by a state and the fixture's
#                     busiest handling unit
#   search            GET /api/v1/appeals?q=…&per_page=20 for SEARCH_QUERIES different
#                     queries (words cut from the demo's appeals, 2 to 4 characters, and
#                     appeal numbers), each once after a warm-up pass: p50 and p99
#
# The database is the demo plus bench_appeals_fixture's generated appeals (bench/lib.sh;
# plain SQL), their titles and contents copied from the demo's appeals so that searches
# match as they would in a city, then indexed for search (yiwang search reindex; the
# statistics roll-up fills itself: triggers on case_assignments). Each server runs with
# --read-cache off (nothing repeats for the cache to answer), on one core; curl's
# time_total per request, the median of STATS_TIMES after one warm-up request.
#
#	REF_YIWANG=/work/main/build/yiwang bench/stats.sh      # about 10 minutes
#	STATS_ROWS=100000 REF_YIWANG=... bench/stats.sh        # smoke test
#
# Environment:
#	REF_YIWANG     the reference binary (e.g. a build of the previous commit); unset: none
#	STATS_ROWS     generated appeals (1000000)
#	STATS_TIMES    timed requests per route and binary (11)
#	SEARCH_QUERIES different search queries (200)
#	STATS_DB       an existing database made by an earlier run (kept with KEEP_DB=1):
#	               skips the generation
#	KEEP_DB        keep the generated database, printing its path
# Needs curl, sqlite3, taskset.
set -uo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

STATS_ROWS=${STATS_ROWS:-1000000}
STATS_TIMES=${STATS_TIMES:-11}
SEARCH_QUERIES=${SEARCH_QUERIES:-200}
REF_YIWANG=${REF_YIWANG:-}

command -v sqlite3 >/dev/null || bench_die "sqlite3 is not installed (apt-get install sqlite3)"
bench_init
bench_build
[ -z "$REF_YIWANG" ] || [ -x "$REF_YIWANG" ] || bench_die "REF_YIWANG=$REF_YIWANG is not executable"

echo "# bench/stats.sh — $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "# machine: $(bench_machine)"
echo "# yiwang: $(git -C "$BENCH_ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$BENCH_ROOT" diff --quiet HEAD -- src 2>/dev/null || echo ' + uncommitted src changes'); reference: ${REF_YIWANG:-none}"

if [ -n "${STATS_DB:-}" ]; then
	big=$STATS_DB
else
	big=$BENCH_TMP/stats.db
	t0=$(date +%s.%N)
	"$BENCH_YIWANG" demo --db "$big" >"$BENCH_TMP/demo.log" 2>&1 || {
		cat "$BENCH_TMP/demo.log" >&2
		bench_die "yiwang demo failed"
	}
	bench_appeals_fixture "$big" "$STATS_ROWS"
	# Real words to search for: each generated appeal takes a demo appeal's title and text.
	sqlite3 "$big" >/dev/null <<EOF || bench_die "copying the demo's texts failed"
PRAGMA synchronous = OFF;
BEGIN;
CREATE TEMP TABLE t (k INTEGER PRIMARY KEY, title TEXT, content TEXT);
INSERT INTO temp.t SELECT row_number() OVER (ORDER BY id) - 1, title, content FROM cases
	WHERE kind = 'appeal' AND number NOT LIKE 'BX%';
UPDATE cases SET (title, content) = (SELECT t.title, t.content FROM temp.t t
	WHERE t.k = (cases.id * 7919) % (SELECT COUNT(*) FROM temp.t))
WHERE number >= 'BX' AND number < 'BY';
COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
EOF
	"$BENCH_YIWANG" search reindex --db "$big" 2>"$BENCH_TMP/reindex.log" ||
		bench_die "yiwang search reindex failed: $(cat "$BENCH_TMP/reindex.log")"
	GEN_SECONDS=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.0f", b - a}')
	echo "# database: demo + $STATS_ROWS generated appeals, made in $GEN_SECONDS s"
	if [ -n "${KEEP_DB:-}" ]; then
		cp "$big" "${TMPDIR:-/tmp}/yiwang-stats-$STATS_ROWS.db" && big=${TMPDIR:-/tmp}/yiwang-stats-$STATS_ROWS.db
		echo "# kept: $big"
	fi
fi
total=$(sqlite3 "$big" "SELECT COUNT(*) FROM cases WHERE kind = 'appeal'")
"$BENCH_YIWANG" check --db "$big" | grep roll-up | sed 's/^/# /'

FROM=$(TZ=Asia/Shanghai date -d "$(TZ=Asia/Shanghai date +%Y-%m-01) -1 month" +%Y-%m-01)
TO=$(TZ=Asia/Shanghai date -d "$(TZ=Asia/Shanghai date +%Y-%m-01) -1 day" +%Y-%m-%d)
YEAR_FROM=$(TZ=Asia/Shanghai date -d "$(TZ=Asia/Shanghai date +%Y-%m-01) -11 month" +%Y-%m-01)
ZJ=$(sqlite3 "$big" "SELECT id FROM units WHERE name = '阜新市住房和城乡建设局'")
BUSY=$(sqlite3 "$big" "SELECT handler_id FROM cases WHERE number >= 'BX' AND number < 'BY' GROUP BY handler_id ORDER BY COUNT(*) DESC LIMIT 1")
# The search queries: pieces of the demo's titles and contents, and numbers.
sqlite3 "$big" "SELECT substr(t, 1 + abs(random()) % max(length(t) - 3, 1), 2 + abs(random()) % 3)
	FROM (SELECT CASE WHEN abs(random()) % 2 THEN title ELSE content END AS t FROM cases
	      WHERE kind = 'appeal' AND number NOT LIKE 'BX%' ORDER BY random() LIMIT $((SEARCH_QUERIES * 9 / 10)));
	SELECT number FROM cases WHERE kind = 'appeal' ORDER BY random() LIMIT $((SEARCH_QUERIES - SEARCH_QUERIES * 9 / 10));" |
	grep -v '[[:space:][:punct:]，。、？！：；（）“”]' >"$BENCH_TMP/queries.txt"
NQ=$(wc -l <"$BENCH_TMP/queries.txt")

ROUTES=(
	"month statistics|/api/v1/stats/appeals?from=$FROM&to=$TO"
	"12-month trend|/api/v1/stats/appeals/trend?from=$YEAR_FROM&to=$TO"
	"first page, all appeals|/api/v1/appeals?per_page=20"
	"first page, handling + city housing bureau|/api/v1/appeals?status=handling&unit_id=$ZJ&per_page=20"
	"first page, handling + busiest unit|/api/v1/appeals?status=handling&unit_id=$BUSY&per_page=20"
	"first page, closed + busiest unit|/api/v1/appeals?status=closed&unit_id=$BUSY&per_page=20"
)

# measure NAME BINARY: times every route and the searches; results in R_<name>_<i>.
declare -A R
measure() {
	local name=$1 bin=$2 i path ts t q
	BENCH_YIWANG=$bin bench_yiwang_start "$big" --read-cache off --access-log off
	local Y=http://127.0.0.1:$YIWANG_PORT
	local auth="Authorization: Bearer $(bench_login "$Y" agent)"
	for i in "${!ROUTES[@]}"; do
		path=${ROUTES[$i]#*|}
		curl -sS -o "$BENCH_TMP/$name-$i.json" -H "$auth" "$Y$path"
		ts=()
		for ((k = 0; k < STATS_TIMES; k++)); do
			ts+=("$(curl -sS -o /dev/null -w '%{time_total}' -H "$auth" "$Y$path" | awk '{printf "%.2f", $1 * 1000}')")
		done
		R[$name,$i]=$(printf '%s\n' "${ts[@]}" | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
	done
	# Search: a warm-up pass, then each query once.
	while read -r q; do
		curl -sS -o /dev/null -G -H "$auth" --data-urlencode "q=$q" -d per_page=20 "$Y/api/v1/appeals"
	done <"$BENCH_TMP/queries.txt"
	while read -r q; do
		curl -sS -o /dev/null -w '%{time_total}\n' -G -H "$auth" --data-urlencode "q=$q" -d per_page=20 "$Y/api/v1/appeals"
	done <"$BENCH_TMP/queries.txt" | awk '{printf "%.2f\n", $1 * 1000}' | sort -g >"$BENCH_TMP/search-$name.txt"
	R[$name,p50]=$(awk '{a[NR] = $1} END {print a[int(NR * 0.50 + 0.5)]}' "$BENCH_TMP/search-$name.txt")
	R[$name,p99]=$(awk '{a[NR] = $1} END {i = int(NR * 0.99 + 0.5); if (i < 1) i = 1; print a[i]}' "$BENCH_TMP/search-$name.txt")
	R[$name,max]=$(tail -n1 "$BENCH_TMP/search-$name.txt")
	bench_stop "$YIWANG_PID"
}

# Alternating, twice each: the machine is shared, so neither gets the quiet minute alone.
RUNS=(new)
[ -n "$REF_YIWANG" ] && RUNS=(ref new ref new)
declare -A SEEN
for run in "${RUNS[@]}"; do
	n=${SEEN[$run]:-0}
	SEEN[$run]=$((n + 1))
	if [ "$run" = ref ]; then measure "ref$n" "$REF_YIWANG"; else measure "new$n" "$BENCH_YIWANG"; fi
done

# The lower of the runs' medians per binary (the run less disturbed by others).
best() {
	local name=$1 key=$2 v out=
	for v in "${R[${name}0,$key]:-}" "${R[${name}1,$key]:-}"; do
		[ -n "$v" ] || continue
		if [ -z "$out" ] || awk -v a="$v" -v b="$out" 'BEGIN {exit !(a < b)}'; then out=$v; fi
	done
	printf '%s' "${out:--}"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (a + 0 > 0 && b + 0 > 0) printf "%.1fx", a / b; else print "-"}'; }

echo
printf '%-46s %12s %12s %9s\n' "over $total appeals (ms)" reference new speed-up
for i in "${!ROUTES[@]}"; do
	a=$(best ref "$i")
	b=$(best new "$i")
	printf '%-46s %12s %12s %9s\n' "${ROUTES[$i]%%|*}" "$a" "$b" "$(ratio "$a" "$b")"
done
for key in p50 p99 max; do
	a=$(best ref "$key")
	b=$(best new "$key")
	printf '%-46s %12s %12s %9s\n' "search ($NQ queries), $key" "$a" "$b" "$(ratio "$a" "$b")"
done
echo
echo "ms: curl time_total, median of $STATS_TIMES after a warm-up request, the lower of the two"
echo "  runs of each binary (alternating); search: each query once after a warm-up pass."
echo "aims (issue 14): month ≤ 20, trend ≤ 50, a first page ≤ 5, search p99 ≤ 50."
for f in "$BENCH_TMP"/new0-*.json; do
	i=${f##*-}
	i=${i%.json}
	if [ -f "$BENCH_TMP/ref0-$i.json" ] && [ "$i" -ge 2 ]; then
		# Lists: the same items in both (the total may now be capped).
		a=$(grep -o '"id":[0-9]*' "$BENCH_TMP/ref0-$i.json" | head -n 20 | md5sum)
		b=$(grep -o '"id":[0-9]*' "$f" | head -n 20 | md5sum)
		[ "$a" = "$b" ] || echo "# NOTE: ${ROUTES[$i]%%|*}: items differ from the reference"
	fi
done
