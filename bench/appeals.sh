#!/usr/bin/env bash
# shellcheck disable=SC2034  # result arrays are filled and read through eval
# Appeals under load, beside nginx in the same session (docs/benchmarks.md, "Appeals"):
#
#   (a) durable intakes: wrk POSTs /api/v1/appeals as the demo's agent, a new appeal per
#       request, at several connection counts (group commit needs concurrency); after
#       each run the server is killed with SIGKILL and the rows on disk are counted: every
#       201 wrk received must be a row (rows - 201s may exceed 0 by the requests in flight);
#   (b) GET /api/v1/appeals/{id} (an appeal with its timeline) and (c) a filtered list
#       (?status=handling&unit_id=<the city housing bureau>&per_page=20), each against
#       nginx serving a static file of the same size, runs alternating;
#   (b2), (c2) the same reads as a city makes them (the headline figures): SESSIONS
#       sessions of every demo user with an appeal role, logged in up front, each reading
#       appeals it may see (ids over the whole table) and list pages rotating over
#       statuses, handling units and pages; a wrk Lua script cycles through a shuffled file
#       of (token, path) pairs large enough that nothing repeats within a run; read cache
#       on (its default: it cannot help here), beside nginx serving a static file of the
#       size of one answer;
#   (m) memory: Private_Clean + Private_Dirty (not shared with other processes; the
#       database file's mapping excluded) and RSS of the server from /proc/PID/smaps_rollup
#       after each workload, and over 1,000,000 appeals under the read and intake load;
#   (d) GET /api/v1/stats/appeals for last month over 1,000,000 appeals: the demo plus a
#       generated fixture of 1,000,000 appeals with their assignments (plain SQL through
#       the sqlite3 shell: a benchmark fixture, not product data), timed with curl, and
#       the same aggregate timed in the sqlite3 shell.
#
#	bench/appeals.sh                                # DURATION=10 REPEAT=3, about 10 minutes
#	DURATION=3 REPEAT=1 STATS_ROWS=100000 bench/appeals.sh   # smoke test
#
# Environment:
#	DURATION      seconds per wrk run (10)
#	REPEAT        measured runs per target (3)
#	CONNECTIONS   wrk connections for the reads (32)
#	INTAKE_RUNS   "connections:threads" pairs for (a) (yiwang --threads; the writes in
#	              flight, so the size of a commit batch, are at most the threads);
#	              default "64:16 128:16 256:16 128:4 256:4"; empty skips (a)
#	STATS_ROWS    appeals in the (d) fixture (1000000); 0 skips (d)
#	STATS_TIMES   timed requests per stats route (7)
#	WARMUP        seconds of unmeasured load before the read pairs (1)
#	SESSIONS      sessions for (b2), (c2) (300), spread over the users with appeal roles
#	REQS          (token, path) pairs per workload file (100000)
#
# wrk runs pinned to core 0 (taskset -c 0 wrk -t1), nginx and yiwang to core 1, as in
# bench/http.sh; yiwang writes its access log to a file. Needs wrk, nginx, curl, sqlite3.
set -uo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

DURATION=${DURATION:-10}
REPEAT=${REPEAT:-3}
CONNECTIONS=${CONNECTIONS:-32}
INTAKE_RUNS=${INTAKE_RUNS-"64:16 128:16 256:16 128:4 256:4"}
STATS_ROWS=${STATS_ROWS:-1000000}
STATS_TIMES=${STATS_TIMES:-7}
WARMUP=${WARMUP:-1}
SESSIONS=${SESSIONS:-300}
REQS=${REQS:-100000}
BENCH_DURATION=$DURATION
BENCH_CONNECTIONS=$CONNECTIONS

command -v sqlite3 >/dev/null || bench_die "sqlite3 is not installed (apt-get install sqlite3)"
bench_init
bench_build

echo "# bench/appeals.sh — $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "# machine: $(bench_machine)"
echo "# yiwang: $(git -C "$BENCH_ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$BENCH_ROOT" diff --quiet HEAD -- src 2>/dev/null || echo ' + uncommitted src changes'), nginx: $("$BENCH_NGINX" -v 2>&1 | sed 's/.*version: //'), $(wrk -v 2>&1 | head -n1 | cut -d' ' -f1-2), sqlite3 $(sqlite3 --version | cut -d' ' -f1)"
if [ -n "${BENCH_NO_PIN:-}" ]; then
	echo "# pinning: OFF (fewer than 2 usable cores) — client and servers share the CPU"
else
	echo "# pinning: client taskset -c $BENCH_CLIENT_CPU wrk -t1; nginx and yiwang under taskset -c $BENCH_SERVER_CPU"
fi
echo "# runs: DURATION=$DURATION REPEAT=$REPEAT CONNECTIONS=$CONNECTIONS INTAKE_RUNS=\"$INTAKE_RUNS\" STATS_ROWS=$STATS_ROWS; temp dir on $(df -P "$BENCH_TMP" | awk 'NR == 2 {print $1}')"

# ---- the demo database (a year of appeals) ----

DEMO=$BENCH_TMP/demo.db
t0=$(date +%s.%N)
"$BENCH_YIWANG" demo --db "$DEMO" >"$BENCH_TMP/demo.log" 2>&1 || {
	cat "$BENCH_TMP/demo.log" >&2
	bench_die "yiwang demo failed"
}
DEMO_SECONDS=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')
DEMO_APPEALS=$(sqlite3 "$DEMO" "SELECT COUNT(*) FROM cases WHERE kind = 'appeal'")
echo "# demo: $DEMO_APPEALS appeals, yiwang demo took $DEMO_SECONDS s"

# ---- helpers ----

TABLE=()
MEM_TABLE=()

# Private (Private_Clean + Private_Dirty: pages no other process shares; the database
# file's pages every thread maps count in RSS only while they are shared) and RSS of PID,
# in MiB, from /proc/PID/smaps_rollup.
mem_of() {
	awk '/^Rss:/ {r = $2} /^Private_(Clean|Dirty):/ {p += $2}
		END {printf "%.1f %.1f\n", p / 1024, r / 1024}' "/proc/$1/smaps_rollup" 2>/dev/null
}

# mem_row LABEL PID: a line of the memory table.
mem_row() {
	local p r
	read -r p r < <(mem_of "$2")
	MEM_TABLE+=("$(printf '%-62s %9s %9s' "$1" "${p:-?}" "${r:-?}")")
}

# city_sessions BASE DB DIR: logs in SESSIONS sessions, spread over every enabled user of
# DB with an appeal role (agent, leader, unit_staff, admin) whose area holds at least 40
# appeals, and writes DIR/appeal.reqs and DIR/list.reqs: REQS lines "token path" each,
# shuffled over the sessions. A session reads the appeals its user may see (the whole
# table for the city-wide roles, fetched through the list) and list pages of 20 rotating
# over no status filter, closed, the open statuses, the user's busiest handling units and
# pages 1..25. Consecutive lines belong to different sessions, and a session's lines run
# through its user's items from a different offset for each session, so the same
# (token, path) comes back only after the user's whole list (hundreds of requests).
city_sessions() {
	local base=$1 db=$2 dir=$3 users n per u k tok auth p out v total pages unit
	mkdir -p "$dir"
	: >"$dir/tokens"
	: >"$dir/ids"
	: >"$dir/lists"
	users=$(sqlite3 "$db" "SELECT u.username FROM users u WHERE u.disabled = 0 AND EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role IN ('agent', 'leader', 'unit_staff', 'admin')) ORDER BY u.id")
	for u in $users; do
		tok=$(bench_login "$base" "$u")
		auth="Authorization: Bearer $tok"
		out=$dir/pages-$u
		: >"$out"
		for ((p = 1; p <= 60; p++)); do
			curl -sS -H "$auth" "$base/api/v1/appeals?per_page=200&page=$p" >"$out.1"
			grep -q '"number"' "$out.1" || break
			cat "$out.1" >>"$out"
		done
		n=$(grep -o '{"id":[0-9]*,"number":"[^"]*","kind"' "$out" | wc -l)
		((n >= 40)) || continue
		grep -o '{"id":[0-9]*,"number":"[^"]*","kind"' "$out" | grep -o '^{"id":[0-9]*' | grep -o '[0-9]*$' | sed "s/^/$u /" >>"$dir/ids"
		echo "$u $tok" >>"$dir/tokens"
		for v in "" "status=closed" "status=dispatched,handling,replied,revisit" \
			$(grep -o '"handler":{"id":[0-9]*' "$out" | grep -o '[0-9]*$' | sort | uniq -c |
				sort -rn | head -n3 | awk '{print "unit_id=" $2 " status=closed&unit_id=" $2}'); do
			total=$(curl -sS -H "$auth" "$base/api/v1/appeals?${v:+$v&}per_page=1" | grep -o '"total":[0-9]*' | grep -o '[0-9]*$')
			pages=$((${total:-0} / 20))
			((pages > 25)) && pages=25
			for ((p = 1; p <= pages; p++)); do
				echo "$u /api/v1/appeals?${v:+$v&}per_page=20&page=$p" >>"$dir/lists"
			done
		done
	done
	n=$(wc -l <"$dir/tokens")
	((n > 0)) || bench_die "no user with appeal roles sees 40 appeals"
	per=$(((SESSIONS + n - 1) / n))
	# The first session of each user is the one above; log in the others.
	while read -r u tok; do
		for ((k = 1; k < per; k++)); do
			echo "$u $(bench_login "$base" "$u")"
		done
	done <"$dir/tokens" >"$dir/more"
	cat "$dir/more" >>"$dir/tokens"
	CITY_USERS=$n
	CITY_SESSIONS=$(wc -l <"$dir/tokens")
	local kind
	for kind in ids lists; do
		awk -v reqs="$REQS" -v kind="$kind" '
			FNR == NR { s[S++] = $2; su[S - 1] = $1; next }
			{ item[$1, c[$1]++] = $2 }
			END {
				for (i = 0; i < reqs; i++) {
					k = i % S; u = su[k]; n = c[u]
					j = (int(i / S) + k * 7919) % n
					path = kind == "ids" ? "/api/v1/appeals/" item[u, j] : item[u, j]
					print s[k], path
				}
			}' "$dir/tokens" "$dir/$kind" >"$dir/$kind.reqs"
	done
}

cat >"$BENCH_TMP/city.lua" <<'EOF'
-- GET requests as many users make them: each line of the file YW_REQS is "token path";
-- every request is prepared in init and sent in turn.
local reqs, count, i = {}, 0, 0

function init(args)
	for line in io.lines(os.getenv("YW_REQS")) do
		local tok, path = line:match("^(%S+) (%S+)$")
		if tok then
			count = count + 1
			reqs[count] = wrk.format("GET", path, {["Authorization"] = "Bearer " .. tok})
		end
	end
end

function request()
	i = i % count + 1
	return reqs[i]
end
EOF

# A unit's id by its exact name, through the API.
unit_id_named() {
	curl -sS -G --data-urlencode "q=$1" -H "$AUTH" "$Y/api/v1/units" |
		grep -o "{\"id\":[0-9]*,\"name\":\"$1\"" | head -n1 | grep -o '[0-9][0-9]*'
}

# ---- (b), (c): reads against nginx ----

bench_yiwang_start "$DEMO" --access-log "$BENCH_TMP/access.log"
Y=http://127.0.0.1:$YIWANG_PORT
TOKEN=$(bench_login "$Y" agent)
AUTH="Authorization: Bearer $TOKEN"
ZJ=$(unit_id_named "阜新市住房和城乡建设局")
[ -n "$ZJ" ] || bench_die "no unit 阜新市住房和城乡建设局"
# The newest appeal the city housing bureau has closed: a whole lifecycle in its timeline.
APPEAL_ID=$(curl -sS -H "$AUTH" "$Y/api/v1/appeals?status=closed&unit_id=$ZJ&per_page=1" | grep -o '"items":\[{"id":[0-9]*' | grep -o '[0-9]*$')
[ -n "$APPEAL_ID" ] || bench_die "no closed appeal of the city housing bureau in the demo"
APPEAL_PATH=/api/v1/appeals/$APPEAL_ID
LIST_PATH="/api/v1/appeals?status=handling&unit_id=$ZJ&per_page=20"

ROOT=$BENCH_TMP/www
mkdir -p "$ROOT"
curl -sS -H "$AUTH" -o "$ROOT/appeal.json" -w '%{http_code}' "$Y$APPEAL_PATH" | grep -q 200 || bench_die "GET $APPEAL_PATH failed"
curl -sS -H "$AUTH" -o "$ROOT/list.json" -w '%{http_code}' "$Y$LIST_PATH" | grep -q 200 || bench_die "GET $LIST_PATH failed"
APPEAL_BYTES=$(wc -c <"$ROOT/appeal.json")
LIST_BYTES=$(wc -c <"$ROOT/list.json")
LIST_ITEMS=$(grep -o '"kind":"appeal"' "$ROOT/list.json" | wc -l)
LIST_TOTAL=$(grep -o '"total":[0-9]*' "$ROOT/list.json" | grep -o '[0-9]*$')
TIMELINE=$(grep -o '"action":' "$ROOT/appeal.json" | wc -l)
# An intake answers 201 with the new appeal: its size for nginx's reference file.
curl -sS -X POST -H "$AUTH" -H 'Content-Type: application/json' -o "$ROOT/intake.json" \
	-d '{"content":"基准测试：中华社区5号楼室温只有14度，家里有老人，请供热公司尽快处理。","channel":"8890","category_id":2,"contact_name":"王女士","contact_phone":"13900000000","address":"海州区中华路12号福园小区","region_code":"210902003000"}' \
	"$Y/api/v1/appeals"
INTAKE_BYTES=$(wc -c <"$ROOT/intake.json")
bench_nginx_start "$ROOT"
N=http://127.0.0.1:$NGINX_PORT
echo "# GET $APPEAL_PATH: $APPEAL_BYTES B ($TIMELINE timeline entries); GET $LIST_PATH: $LIST_BYTES B ($LIST_ITEMS items of $LIST_TOTAL); intake answer $INTAKE_BYTES B; nginx serves copies"
echo

# ---- (b2), (c2): reads as a city makes them ----

t1=$(date +%s.%N)
city_sessions "$Y" "$DEMO" "$BENCH_TMP/city"
CITY_SETUP=$(awk -v a="$t1" -v b="$(date +%s.%N)" 'BEGIN {printf "%.0f", b - a}')
# nginx's reference file: the answer of median size among 21 of the workload's requests.
median_body() {
	local reqs=$1 name=$2 i tok path
	for ((i = 0; i < 21; i++)); do
		read -r tok path < <(sed -n "$((i * 997 % REQS + 1))p" "$reqs")
		curl -sS -H "Authorization: Bearer $tok" -o "$BENCH_TMP/sample-$i" "$Y$path"
		echo "$(wc -c <"$BENCH_TMP/sample-$i") $i"
	done | sort -n | sed -n 11p | {
		read -r _ i
		cp "$BENCH_TMP/sample-$i" "$ROOT/$name"
	}
}
median_body "$BENCH_TMP/city/ids.reqs" city-appeal.json
median_body "$BENCH_TMP/city/lists.reqs" city-list.json
CA_BYTES=$(wc -c <"$ROOT/city-appeal.json")
CL_BYTES=$(wc -c <"$ROOT/city-list.json")
echo "# (b2), (c2): $CITY_SESSIONS sessions of $CITY_USERS users (logged in and sampled in $CITY_SETUP s), $(cut -d' ' -f2 "$BENCH_TMP/city/ids.reqs" | sort -u | wc -l) distinct appeals, $(sort -u "$BENCH_TMP/city/lists" | wc -l) distinct list pages; median answers $CA_BYTES B and $CL_BYTES B"
mem_row "after login and sampling (demo, $DEMO_APPEALS appeals)" "$YIWANG_PID"
YW_REQS=$BENCH_TMP/city/ids.reqs run_pair city-appeal "$N/city-appeal.json" "$Y/" -s "$BENCH_TMP/city.lua"
row "nginx static ${CA_BYTES} B (= one appeal)" N_RPS N_US N_OTHER
NA=$MED NA_US=$MED_US
row "(b2) GET /api/v1/appeals/{id}, $CITY_SESSIONS sessions" Y_RPS Y_US Y_OTHER "$NA" "$NA_US" "aim >= 0.50"
mem_row "after (b2)" "$YIWANG_PID"
YW_REQS=$BENCH_TMP/city/lists.reqs run_pair city-list "$N/city-list.json" "$Y/" -s "$BENCH_TMP/city.lua"
row "nginx static ${CL_BYTES} B (= a list page)" N_RPS N_US N_OTHER
NL=$MED NL_US=$MED_US
row "(c2) GET /api/v1/appeals?...&per_page=20, $CITY_SESSIONS sessions" Y_RPS Y_US Y_OTHER "$NL" "$NL_US" "aim >= 0.25"
mem_row "after (c2)" "$YIWANG_PID"
TABLE+=("")

run_pair appeal "$N/appeal.json" "$Y$APPEAL_PATH" -H "$AUTH"
row "nginx static ${APPEAL_BYTES} B (= appeal)" N_RPS N_US N_OTHER
NA=$MED NA_US=$MED_US
row "(b) yiwang GET /api/v1/appeals/{id} (agent)" Y_RPS Y_US Y_OTHER "$NA" "$NA_US"

run_pair list "$N/list.json" "$Y$LIST_PATH" -H "$AUTH"
row "nginx static ${LIST_BYTES} B (= list)" N_RPS N_US N_OTHER
NL=$MED NL_US=$MED_US
row "(c) yiwang GET /api/v1/appeals?status&unit_id&per_page=20" Y_RPS Y_US Y_OTHER "$NL" "$NL_US"
bench_stop "$YIWANG_PID"

# The same two reads with the read cache off: what every read costs when the data has just
# changed (each repeated request above after the first is answered from the cache).
bench_yiwang_start "$DEMO" --access-log "$BENCH_TMP/access-nocache.log" --read-cache off
Y=http://127.0.0.1:$YIWANG_PORT
AUTH="Authorization: Bearer $(bench_login "$Y" agent)"
run_pair appeal-nocache "$N/appeal.json" "$Y$APPEAL_PATH" -H "$AUTH"
row "nginx static ${APPEAL_BYTES} B (= appeal)" N_RPS N_US N_OTHER
NA=$MED NA_US=$MED_US
row "(b) the same, --read-cache off" Y_RPS Y_US Y_OTHER "$NA" "$NA_US"
run_pair list-nocache "$N/list.json" "$Y$LIST_PATH" -H "$AUTH"
row "nginx static ${LIST_BYTES} B (= list)" N_RPS N_US N_OTHER
NL=$MED NL_US=$MED_US
row "(c) the same, --read-cache off" Y_RPS Y_US Y_OTHER "$NL" "$NL_US"
bench_stop "$YIWANG_PID"

# ---- (a) durable intakes ----

bench_intake_lua "$BENCH_TMP/intake.lua"

DURABILITY=()
INTAKE_ROWS=()
for pair in $INTAKE_RUNS; do
	c=${pair%%:*} t=${pair##*:}
	R_RPS=() R_US=() R_OTHER=() NI_RPS=() NI_US=() NI_OTHER=()
	for ((i = 1; i <= REPEAT; i++)); do
		# nginx first, as the session's reference for this many connections.
		BENCH_CONNECTIONS=$c OUT_RPS=NI_RPS OUT_US=NI_US OUT_OTHER=NI_OTHER \
			one_run "intake-nginx-c$c-t$t-$i" "$NGINX_PID" "$N/intake.json"
		db=$BENCH_TMP/intake.db
		rm -f "$db" "$db-wal" "$db-shm"
		cp "$DEMO" "$db"
		count_cases() { sqlite3 "$db" "SELECT COUNT(*) FROM cases"; }
		bench_yiwang_start "$db" --access-log "$BENCH_TMP/access-intake.log" --threads "$t"
		OUT_RPS=R_RPS OUT_US=R_US OUT_OTHER=R_OTHER bench_intake_durable "c=$c t=$t" "$i" \
			"intake-c$c-t$t-$i" "$YIWANG_PID" "http://127.0.0.1:$YIWANG_PORT" "$c" count_cases
		bench_log "bench: intake c=$c threads=$t run $i/$REPEAT: ${R_RPS[-1]} req/s ${R_US[-1]} µs/req; nginx ${NI_RPS[-1]} req/s"
	done
	row "  nginx static ${INTAKE_BYTES} B, wrk -c$c (reference)" NI_RPS NI_US NI_OTHER
	row "(a) yiwang POST /api/v1/appeals -c$c --threads $t" R_RPS R_US R_OTHER "$MED" "$MED_US"
	INTAKE_ROWS+=("$c:$t:$MED")
done

# ---- (d) statistics over STATS_ROWS appeals ----

STATS_TABLE=()
if [ "$STATS_ROWS" != 0 ]; then
	big=$BENCH_TMP/stats.db
	cp "$DEMO" "$big"
	t1=$(date +%s.%N)
	bench_appeals_fixture "$big" "$STATS_ROWS"
	GEN_SECONDS=$(awk -v a="$t1" -v b="$(date +%s.%N)" 'BEGIN {printf "%.0f", b - a}')
	total=$(sqlite3 "$big" "SELECT COUNT(*) FROM cases WHERE kind = 'appeal'")
	assigned=$(sqlite3 "$big" "SELECT COUNT(*) FROM case_assignments")
	# Last full calendar month (China time).
	FROM=$(TZ=Asia/Shanghai date -d "$(TZ=Asia/Shanghai date +%Y-%m-01) -1 month" +%Y-%m-01)
	TO=$(TZ=Asia/Shanghai date -d "$(TZ=Asia/Shanghai date +%Y-%m-01) -1 day" +%Y-%m-%d)
	YEAR_FROM=$(TZ=Asia/Shanghai date -d "$(TZ=Asia/Shanghai date +%Y-%m-01) -11 month" +%Y-%m-01)
	from_ms=$(($(TZ=Asia/Shanghai date -d "$FROM" +%s) * 1000))
	to_ms=$(($(TZ=Asia/Shanghai date -d "$TO +1 day" +%s) * 1000))
	in_month=$(sqlite3 "$big" "SELECT COUNT(*) FROM case_assignments WHERE dispatched_at >= $from_ms AND dispatched_at < $to_ms")
	echo "# (d) fixture: $total appeals, $assigned assignments ($in_month dispatched $FROM..$TO), generated in $GEN_SECONDS s"

	bench_yiwang_start "$big" --access-log "$BENCH_TMP/access-stats.log"
	Y=http://127.0.0.1:$YIWANG_PORT
	TOKEN=$(bench_login "$Y" agent)
	AUTH="Authorization: Bearer $TOKEN"
	# time_route LABEL PATH: STATS_TIMES requests after one warm-up; median, min, max in ms.
	time_route() {
		local label=$1 path=$2 i code ts=()
		code=$(curl -sS -o "$BENCH_TMP/route.json" -w '%{http_code}' -H "$AUTH" "$Y$path")
		if [ "$code" != 200 ]; then
			STATS_TABLE+=("$(printf '%-52s %s' "$label" "HTTP $code: $(head -c 200 "$BENCH_TMP/route.json")")")
			return
		fi
		for ((i = 1; i <= STATS_TIMES; i++)); do
			ts+=("$(curl -sS -o /dev/null -w '%{time_total}' -H "$AUTH" "$Y$path" | awk '{printf "%.1f", $1 * 1000}')")
		done
		STATS_TABLE+=("$(printf '%-52s %8s %7s %7s %8s' "$label" "$(bench_median "${ts[@]}")" \
			"$(printf '%s\n' "${ts[@]}" | sort -g | head -n1)" "$(printf '%s\n' "${ts[@]}" | sort -g | tail -n1)" \
			"$(wc -c <"$BENCH_TMP/route.json")")")
	}
	time_route "(d) GET /api/v1/stats/appeals (month)" "/api/v1/stats/appeals?from=$FROM&to=$TO"
	time_route "    GET /api/v1/stats/appeals/trend (12 months)" "/api/v1/stats/appeals/trend?from=$YEAR_FROM&to=$TO"
	time_route "    GET /api/v1/appeals/{id} (1M rows)" "$APPEAL_PATH"
	time_route "    GET /api/v1/appeals?status=handling&unit_id&20 (1M)" "$LIST_PATH"
	time_route "    GET /api/v1/appeals?per_page=20 (all, 1M)" "/api/v1/appeals?per_page=20"
	# (m) over the 1M appeals: the sessions of (b2) (their rows came along with the demo)
	# reading appeals and list pages while an agent takes intakes, DURATION seconds; the
	# most private memory seen (sampled every second) and the RSS then.
	mem_row "(m) 1M appeals, started, after the timed requests" "$YIWANG_PID"
	YW_REQS=$BENCH_TMP/city/ids.reqs BENCH_CONNECTIONS=32 bench_wrk mem-ids "$Y/" -s "$BENCH_TMP/city.lua" >/dev/null &
	loads=($!)
	YW_REQS=$BENCH_TMP/city/lists.reqs BENCH_CONNECTIONS=16 bench_wrk mem-lists "$Y/" -s "$BENCH_TMP/city.lua" >/dev/null &
	loads+=($!)
	YW_TOKEN=$TOKEN BENCH_CONNECTIONS=64 bench_wrk mem-intake "$Y/api/v1/appeals" -s "$BENCH_TMP/intake.lua" >/dev/null &
	loads+=($!)
	peak_p=0 peak_r=0
	for ((i = 0; i < DURATION; i++)); do
		sleep 1
		read -r p r < <(mem_of "$YIWANG_PID")
		if awk -v a="${p:-0}" -v b="$peak_p" 'BEGIN {exit !(a > b)}'; then
			peak_p=$p peak_r=$r
		fi
	done
	wait "${loads[@]}"
	MEM_TABLE+=("$(printf '%-62s %9s %9s' "(m) 1M appeals, peak under reads + lists + intakes" "$peak_p" "$peak_r")")
	mem_row "(m) 1M appeals, after the load" "$YIWANG_PID"
	MEM_LOAD=$(for k in ids lists intake; do
		printf '%s %s req/s; ' "$k" "$(awk '/^Requests\/sec:/ {print $2}' "$BENCH_TMP/wrk/mem-$k.txt")"
	done)
	bench_stop "$YIWANG_PID"

	# The same aggregate in the sqlite3 shell (the statement of src/appeal_stats.c), warm.
	SQL="SELECT s.unit_id, u.name, s.n0, s.n1, s.n2, s.n3, s.n4, s.n5, s.n6, s.n7, s.n8, s.n9, s.n10 FROM (SELECT a.unit_id AS unit_id, COUNT(*) AS n0, SUM(CASE WHEN a.signed_on_time = 1 THEN 1 ELSE 0 END) AS n1, SUM(CASE WHEN a.closed_at IS NOT NULL THEN 1 ELSE 0 END) AS n2, SUM(CASE WHEN a.closed_at IS NOT NULL AND a.resolved = 1 THEN 1 ELSE 0 END) AS n3, SUM(CASE WHEN a.satisfaction IS NOT NULL THEN 1 ELSE 0 END) AS n4, SUM(CASE WHEN a.satisfaction IN ('satisfied', 'basically_satisfied') THEN 1 ELSE 0 END) AS n5, SUM(CASE WHEN a.replied_at IS NOT NULL THEN 1 ELSE 0 END) AS n6, SUM(CASE WHEN a.replied_at IS NOT NULL AND a.replied_on_time = 1 THEN 1 ELSE 0 END) AS n7, SUM(CASE WHEN a.returned_at IS NOT NULL THEN 1 ELSE 0 END) AS n8, SUM(CASE WHEN a.reopened > 0 THEN 1 ELSE 0 END) AS n9, SUM(CASE WHEN a.overdue = 1 THEN 1 ELSE 0 END) AS n10 FROM case_assignments a WHERE a.unit_id IN (SELECT id FROM units WHERE path >= '/1/' AND path < '/10') AND a.dispatched_at >= $from_ms AND a.dispatched_at < $to_ms GROUP BY a.unit_id) s JOIN units u ON u.id = s.unit_id ORDER BY s.n0 DESC, s.unit_id;"
	ts=()
	for ((i = 0; i <= STATS_TIMES; i++)); do
		t=$(printf '.timer on\n%s\n' "$SQL" | sqlite3 "$big" | awk '/^Run Time:/ {printf "%.1f", $4 * 1000}')
		((i > 0)) && ts+=("$t")
	done
	STATS_TABLE+=("$(printf '%-52s %8s %7s %7s' "    the same SELECT in the sqlite3 shell" "$(bench_median "${ts[@]}")" \
		"$(printf '%s\n' "${ts[@]}" | sort -g | head -n1)" "$(printf '%s\n' "${ts[@]}" | sort -g | tail -n1)")")
	PLAN=$(printf 'EXPLAIN QUERY PLAN %s\n' "$SQL" | sqlite3 "$big" | sed 's/^/#   /')
fi

# ---- report ----

echo
printf '%-52s %8s %7s %7s %4s %8s %6s %7s %7s\n' target "med r/s" min max fail "µs/req" other% ratio cpu-rat
printf '%s\n' "${TABLE[@]}"
echo
printf '%-62s %9s %9s\n' "(m) server memory" "priv MiB" "RSS MiB"
printf '%s\n' "${MEM_TABLE[@]}"
[ -n "${MEM_LOAD:-}" ] && echo "(m) load over 1M appeals (three wrk on the client core, the server on its one): $MEM_LOAD"
echo "(m) priv: Private_Clean + Private_Dirty of /proc/PID/smaps_rollup (aim <= 64 MiB with"
echo "  1,000,000 appeals under load); RSS also counts the database file's shared pages."
echo
echo "durability of (a): after each run the server was killed with SIGKILL, then rows counted"
bench_durability_header
printf '%s\n' "${DURABILITY[@]}"
if [ "$STATS_ROWS" != 0 ]; then
	echo
	printf '%-52s %8s %7s %7s %8s\n' "(d) over $total appeals" "med ms" min max bytes
	printf '%s\n' "${STATS_TABLE[@]}"
	echo "# query plan of the stats SELECT:"
	echo "$PLAN"
fi
echo
echo "med r/s, min, max: requests/sec of the runs that did not fail (a run fails on any non-2xx"
echo "  response or socket error). µs/req: median server CPU time (all threads) per request."
echo "  other%: share of the server core other processes took. ratio: yiwang/nginx req/s for the"
echo "  same body size; cpu-rat: nginx µs/req / yiwang µs/req."
echo "(b2), (c2): the headline reads (many sessions, nothing repeated); (b), (c) one token"
echo "  repeating one request, which the read cache answers after the first."
echo "(a) aim (issue 14): >= 10000 durable intakes/s, none lost. extra: rows beyond the 201s wrk"
echo "  saw (requests in flight when wrk stopped, committed but never answered; at most the"
echo "  connections). LOST: acknowledged appeals missing after the crash: must never happen."
echo "(d) aims (issue 14): month <= 20 ms, 12-month trend <= 50 ms. ms: curl time_total, after one"
echo "  warm-up request."
