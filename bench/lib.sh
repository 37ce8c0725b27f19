# shellcheck shell=bash disable=SC2034  # the helpers set globals for their callers
# Shared helpers for the benchmark scripts in bench/. Source it from bash:
#
#	. "$(dirname "$0")/lib.sh"
#	bench_init                 # temp dir in $BENCH_TMP, cleanup trap on EXIT/INT/TERM
#	bench_build                # make build/yiwang when missing or stale
#	port=$(bench_free_port)
#	bench_nginx_start DIR      # sets NGINX_PORT, NGINX_PID
#	bench_yiwang_start DB [serve options...]   # sets YIWANG_PORT, YIWANG_PID
#	tok=$(bench_login http://127.0.0.1:$YIWANG_PORT)     # admin / yiwang-demo
#	bench_wrk NAME URL [wrk options...]        # prints req/s, or FAIL (see below)
#	BENCH_SERVER_PID=$YIWANG_PID bench_wrk ...; bench_cpu_of NAME 1   # µs/request
#	bench_median 3 1 2         # prints 2 (also bench_min, bench_max, bench_ratio)
#	bench_stop PID             # stops one server early
#	bench_intake_durable ...   # a durable intake run: wrk, SIGKILL, rows counted (below)
#
# Every process a helper starts is remembered and stopped (by its pid) on exit; the temp
# dir is removed unless BENCH_KEEP=1. Servers are pinned with taskset to BENCH_SERVER_CPU
# (default 1) and wrk to BENCH_CLIENT_CPU (default 0), so on a 2-core machine the client
# and the server each get one core and do not steal from each other.

BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH_YIWANG=${BENCH_YIWANG:-$BENCH_ROOT/build/yiwang}
BENCH_NGINX=${BENCH_NGINX:-/usr/sbin/nginx}
BENCH_SERVER_CPU=${BENCH_SERVER_CPU:-1}
BENCH_CLIENT_CPU=${BENCH_CLIENT_CPU:-0}
BENCH_PIDS=()

bench_log() { printf '%s\n' "$*" >&2; }
bench_die() {
	bench_log "bench: $*"
	exit 1
}

# Sets the array PIN to the command prefix that pins to CPU (empty when pinning is off:
# fewer than 2 cores, or taskset not working). A prefix rather than a wrapper function so
# that `"${PIN[@]}" cmd &` leaves $! the server's own pid.
bench_pin() {
	if [ -n "${BENCH_NO_PIN:-}" ]; then
		PIN=()
	else
		PIN=(taskset -c "$1")
	fi
}

bench_init() {
	local tool
	for tool in curl wrk taskset ss awk; do
		command -v "$tool" >/dev/null || bench_die "$tool is not installed (apt-get install wrk curl util-linux iproute2)"
	done
	BENCH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/yiwang-bench.XXXXXX") || bench_die "mktemp failed"
	trap bench_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	if [ "$(nproc)" -lt 2 ] || ! taskset -c "$BENCH_SERVER_CPU" true 2>/dev/null ||
		! taskset -c "$BENCH_CLIENT_CPU" true 2>/dev/null; then
		BENCH_NO_PIN=1
	fi
}

bench_cleanup() {
	local pid
	for pid in "${BENCH_PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null
	done
	for pid in "${BENCH_PIDS[@]}"; do
		# yiwang drains requests in flight for up to 20 s; don't wait that long.
		for _ in $(seq 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	BENCH_PIDS=()
	if [ -n "${BENCH_TMP:-}" ] && [ -d "$BENCH_TMP" ]; then
		if [ -n "${BENCH_KEEP:-}" ]; then
			bench_log "bench: kept $BENCH_TMP"
		else
			rm -rf "$BENCH_TMP"
		fi
	fi
}

# Stops one process that a helper started and forgets it.
bench_stop() {
	local pid=$1 p rest=()
	kill -TERM "$pid" 2>/dev/null
	for _ in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	for p in "${BENCH_PIDS[@]}"; do
		[ "$p" = "$pid" ] || rest+=("$p")
	done
	BENCH_PIDS=("${rest[@]}")
}

# BENCH_NO_BUILD=1 skips make and uses the binary as it is (say, while the tree does not
# build because someone is in the middle of a change).
bench_build() {
	if [ -n "${BENCH_NO_BUILD:-}" ]; then
		[ -x "$BENCH_YIWANG" ] || bench_die "$BENCH_YIWANG missing (BENCH_NO_BUILD is set)"
		return 0
	fi
	make -C "$BENCH_ROOT" -s build/yiwang >&2 ||
		bench_die "make build/yiwang failed (BENCH_NO_BUILD=1 runs the existing binary)"
	[ -x "$BENCH_YIWANG" ] || bench_die "$BENCH_YIWANG missing after make"
}

# A loopback TCP port that nothing listens on right now.
bench_free_port() {
	local p
	for _ in $(seq 200); do
		p=$((20000 + RANDOM % 40000))
		if [ -z "$(ss -Htln "sport = :$p" 2>/dev/null)" ]; then
			echo "$p"
			return 0
		fi
	done
	bench_die "no free port found"
}

# Waits until URL answers (any HTTP status) or the process PID dies.
bench_wait_http() {
	local url=$1 pid=$2
	for _ in $(seq 200); do
		if curl -s -o /dev/null --max-time 1 "$url"; then
			return 0
		fi
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

# Serves directory DIR with nginx on a free loopback port: one worker, keepalive, no access
# log, everything (pid, logs, temp files) in a fresh dir under $BENCH_TMP.
bench_nginx_start() {
	local root=$1 d port user_line=""
	root=$(cd "$root" && pwd)
	d=$(mktemp -d "$BENCH_TMP/nginx.XXXX")
	mkdir -p "$d/tmp"
	port=$(bench_free_port)
	# As root the workers need a user that can read the 0700 temp dir: root itself.
	[ "$(id -u)" = 0 ] && user_line="user root;"
	cat >"$d/nginx.conf" <<EOF
$user_line
worker_processes 1;
daemon off;
master_process on;
pid $d/nginx.pid;
error_log $d/error.log warn;
events { worker_connections 1024; }
http {
	access_log off;
	client_body_temp_path $d/tmp/body;
	proxy_temp_path $d/tmp/proxy;
	fastcgi_temp_path $d/tmp/fastcgi;
	uwsgi_temp_path $d/tmp/uwsgi;
	scgi_temp_path $d/tmp/scgi;
	types { application/json json; text/plain txt; }
	default_type application/octet-stream;
	sendfile on;
	tcp_nopush on;
	tcp_nodelay on;
	keepalive_timeout 65;
	keepalive_requests 100000000;
	server {
		listen 127.0.0.1:$port;
		root $root;
		location / { }
	}
}
EOF
	bench_pin "$BENCH_SERVER_CPU"
	"${PIN[@]}" "$BENCH_NGINX" -p "$d" -e "$d/error.log" -c "$d/nginx.conf" \
		>"$d/stdout.log" 2>&1 &
	NGINX_PID=$!
	BENCH_PIDS+=("$NGINX_PID")
	NGINX_PORT=$port
	NGINX_DIR=$d
	if ! bench_wait_http "http://127.0.0.1:$port/" "$NGINX_PID"; then
		cat "$d/error.log" "$d/stdout.log" >&2 2>/dev/null
		bench_die "nginx did not start"
	fi
}

# Serves DB with yiwang on a free loopback port; further arguments go to `yiwang serve`
# (e.g. --access-log FILE, --threads N). Its stderr goes to $BENCH_TMP/yiwang-PORT.log.
# Tried again on another port (three tries) when another process took the free port
# between the check and the bind: the machine is shared.
bench_yiwang_start() {
	local db=$1 port try
	shift
	for try in 1 2 3; do
		port=$(bench_free_port)
		bench_pin "$BENCH_SERVER_CPU"
		"${PIN[@]}" "$BENCH_YIWANG" serve --db "$db" --listen "127.0.0.1:$port" "$@" \
			>"$BENCH_TMP/yiwang-$port.log" 2>&1 &
		YIWANG_PID=$!
		BENCH_PIDS+=("$YIWANG_PID")
		YIWANG_PORT=$port
		YIWANG_LOG=$BENCH_TMP/yiwang-$port.log
		bench_wait_http "http://127.0.0.1:$port/healthz" "$YIWANG_PID" && return 0
		bench_kill_now "$YIWANG_PID"
		bench_log "bench: yiwang did not start on port $port (try $try): $(tail -n 1 "$YIWANG_LOG")"
	done
	cat "$YIWANG_LOG" >&2
	bench_die "yiwang did not start"
}

# Logs in on yiwang at BASE (http://host:port) and prints the bearer token.
bench_login() {
	local base=$1 user=${2:-admin} pw=${3:-yiwang-demo} out tok
	out=$(curl -sS -X POST -H 'Content-Type: application/json' \
		-d "{\"username\":\"$user\",\"password\":\"$pw\"}" "$base/api/v1/sessions") ||
		bench_die "login request failed"
	tok=$(printf '%s' "$out" | sed -n 's/.*"token"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p')
	[ -n "$tok" ] || bench_die "login as $user failed: $out"
	printf '%s\n' "$tok"
}

# CPU time in nanoseconds that PID and its direct children (nginx's worker) have run,
# all threads, from /proc/*/task/*/schedstat (exact, unlike the 10 ms ticks of stat).
bench_cpu_ns() {
	local pid=$1 kids p
	kids=$(cat "/proc/$pid/task/$pid/children" 2>/dev/null)
	for p in "$pid" $kids; do
		cat /proc/"$p"/task/*/schedstat 2>/dev/null
	done | awk '{s += $1} END {printf "%.0f\n", s}'
}

# Busy ticks (everything but idle and iowait) of one core, from /proc/stat.
bench_core_busy() {
	awk -v c="cpu$1" '$1 == c {print $2 + $3 + $4 + $7 + $8 + $9; exit}' /proc/stat
}

# Runs wrk (pinned to the client core) for BENCH_DURATION seconds (default 10) with
# BENCH_CONNECTIONS connections (default 32) and one thread. NAME names the raw output
# file $BENCH_TMP/wrk/NAME.txt. Prints the requests/sec, or FAIL when wrk failed, saw no
# request, or reported any non-2xx/3xx response or socket error; then the reason follows
# on stderr. Extra arguments go to wrk before the URL (e.g. -H "Authorization: ...").
#
# With BENCH_SERVER_PID set, also writes $BENCH_TMP/wrk/NAME.cpu: the server's CPU time
# per request in microseconds, and the share (%) of the server core's time that went to
# other processes during the run (other sessions' load: the noise in req/s). CPU time per
# request is far steadier than req/s on a shared machine.
bench_wrk() {
	local name=$1 url=$2 out rps non2xx sockerr t0 t1 b0 b1 w0 w1 reqs
	shift 2
	mkdir -p "$BENCH_TMP/wrk"
	out="$BENCH_TMP/wrk/$name.txt"
	if [ -n "${BENCH_SERVER_PID:-}" ]; then
		t0=$(bench_cpu_ns "$BENCH_SERVER_PID")
		b0=$(bench_core_busy "$BENCH_SERVER_CPU")
		w0=$(awk '/^cpu / {s = 0; for (i = 2; i <= NF; i++) s += $i; print s}' /proc/stat)
	fi
	bench_pin "$BENCH_CLIENT_CPU"
	if ! "${PIN[@]}" wrk -t1 -c"${BENCH_CONNECTIONS:-32}" \
		-d"${BENCH_DURATION:-10}s" --latency "$@" "$url" >"$out" 2>&1; then
		bench_log "bench: $name: wrk exited non-zero: $(tail -n 3 "$out")"
		echo FAIL
		return 0
	fi
	if [ -n "${BENCH_SERVER_PID:-}" ]; then
		t1=$(bench_cpu_ns "$BENCH_SERVER_PID")
		b1=$(bench_core_busy "$BENCH_SERVER_CPU")
		w1=$(awk '/^cpu / {s = 0; for (i = 2; i <= NF; i++) s += $i; print s}' /proc/stat)
		reqs=$(awk '/ requests in / {print $1; exit}' "$out")
		# Wall time of one core in ticks = all cores' ticks / nproc.
		awk -v t="$((t1 - t0))" -v b="$((b1 - b0))" -v w="$((w1 - w0))" -v n="$(nproc)" \
			-v r="${reqs:-0}" -v hz="$(getconf CLK_TCK)" 'BEGIN {
			us = r > 0 ? t / 1e3 / r : 0
			wall = w / n; other = b - t * hz / 1e9; if (other < 0) other = 0
			printf "%.1f %.0f\n", us, (wall > 0 ? 100 * other / wall : 0) }' >"$BENCH_TMP/wrk/$name.cpu"
	fi
	rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
	non2xx=$(awk -F: '/Non-2xx or 3xx responses/ {gsub(/ /, "", $2); print $2}' "$out")
	sockerr=$(grep -o 'Socket errors:.*' "$out")
	if [ -z "$rps" ] || awk -v r="$rps" 'BEGIN {exit !(r <= 0)}'; then
		bench_log "bench: $name: no requests/sec in wrk output"
		echo FAIL
	elif [ -n "$non2xx" ] && [ "$non2xx" != 0 ]; then
		bench_log "bench: $name: $non2xx non-2xx/3xx responses"
		echo FAIL
	elif [ -n "$sockerr" ]; then
		bench_log "bench: $name: $sockerr"
		echo FAIL
	else
		echo "$rps"
	fi
}

# The CPU figures of run NAME (see bench_wrk): field 1 µs/request, 2 other load %.
bench_cpu_of() { awk -v f="$2" '{print $f}' "$BENCH_TMP/wrk/$1.cpu" 2>/dev/null; }

# Median of the numeric arguments (the mean of the middle two for an even count); FAIL
# and empty arguments are skipped; prints "-" when nothing is left.
bench_median() {
	printf '%s\n' "$@" | grep -E '^[0-9.]+$' | sort -g |
		awk '{v[NR] = $1} END {
			if (NR == 0) { print "-"; exit }
			m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			printf m < 100 ? "%.1f\n" : "%.0f\n", m }'
}

bench_min() { printf '%s\n' "$@" | grep -E '^[0-9.]+$' | sort -g | head -n1 | awk '{printf "%.0f\n", $1} END {if (!NR) print "-"}'; }
bench_max() { printf '%s\n' "$@" | grep -E '^[0-9.]+$' | sort -g | tail -n1 | awk '{printf "%.0f\n", $1} END {if (!NR) print "-"}'; }

# How many of the arguments are FAIL.
bench_failures() { printf '%s\n' "$@" | grep -c '^FAIL$'; }

# a/b to two decimals, "-" when either is missing.
bench_ratio() { awk -v a="$1" -v b="$2" 'BEGIN {
	if (a !~ /^[0-9.]+$/ || b !~ /^[0-9.]+$/ || b == 0) print "-"; else printf "%.2f\n", a / b }'; }

# One line describing the machine, for the reports.
bench_machine() {
	local cpu mem
	cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
	mem=$(awk '/^MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
	printf '%s cores, %s, %s RAM, %s\n' "$(nproc)" "${cpu:-unknown CPU}" "$mem" "$(uname -sr)"
}

# ---- measured runs and the result table (shared by the benchmarks) ----

# one_run NAME SERVER_PID URL [wrk options...]: one measured run; appends to the arrays
# named by OUT_RPS, OUT_US, OUT_OTHER.
one_run() {
	local name=$1 pid=$2 r
	shift 2
	r=$(BENCH_SERVER_PID=$pid bench_wrk "$name" "$@")
	eval "$OUT_RPS+=(\"\$r\")"
	if [ "$r" = FAIL ]; then
		eval "$OUT_US+=(FAIL)"
	else
		eval "$OUT_US+=(\"\$(bench_cpu_of \"\$name\" 1)\")"
	fi
	eval "$OUT_OTHER+=(\"\$(bench_cpu_of \"\$name\" 2)\")"
}

# run_pair LABEL NGINX_URL YIWANG_URL [wrk options for yiwang...]: REPEAT alternating
# runs; results in N_RPS N_US N_OTHER and Y_RPS Y_US Y_OTHER.
run_pair() {
	local label=$1 nurl=$2 yurl=$3 i
	shift 3
	N_RPS=() N_US=() N_OTHER=() Y_RPS=() Y_US=() Y_OTHER=()
	if [ "$WARMUP" != 0 ]; then
		BENCH_DURATION=$WARMUP bench_wrk "$label-warm-nginx" "$nurl" >/dev/null
		BENCH_DURATION=$WARMUP bench_wrk "$label-warm-yiwang" "$yurl" "$@" >/dev/null
	fi
	for ((i = 1; i <= REPEAT; i++)); do
		if ((i % 2)); then
			OUT_RPS=N_RPS OUT_US=N_US OUT_OTHER=N_OTHER one_run "$label-nginx-$i" "$NGINX_PID" "$nurl"
			OUT_RPS=Y_RPS OUT_US=Y_US OUT_OTHER=Y_OTHER one_run "$label-yiwang-$i" "$YIWANG_PID" "$yurl" "$@"
		else
			OUT_RPS=Y_RPS OUT_US=Y_US OUT_OTHER=Y_OTHER one_run "$label-yiwang-$i" "$YIWANG_PID" "$yurl" "$@"
			OUT_RPS=N_RPS OUT_US=N_US OUT_OTHER=N_OTHER one_run "$label-nginx-$i" "$NGINX_PID" "$nurl"
		fi
		bench_log "bench: $label run $i/$REPEAT: nginx ${N_RPS[-1]} req/s ${N_US[-1]} µs/req (other load ${N_OTHER[-1]}%), yiwang ${Y_RPS[-1]} req/s ${Y_US[-1]} µs/req (other load ${Y_OTHER[-1]}%)"
	done
}

# row TARGET RPS_ARRAY US_ARRAY OTHER_ARRAY [NGINX_MED_RPS NGINX_MED_US [EXTRA]]: a table
# line; sets MED and MED_US. With the nginx medians, the two ratios; EXTRA is appended.
row() {
	local target=$1 rps us other line
	eval "rps=(\"\${$2[@]}\")"
	eval "us=(\"\${$3[@]}\")"
	eval "other=(\"\${$4[@]}\")"
	MED=$(bench_median "${rps[@]}")
	MED_US=$(bench_median "${us[@]}")
	line=$(printf "%-${BENCH_TARGET_WIDTH:-52}s %8s %7s %7s %4s %8s %6s" "$target" "$MED" "$(bench_min "${rps[@]}")" \
		"$(bench_max "${rps[@]}")" "$(bench_failures "${rps[@]}")/${#rps[@]}" "$MED_US" \
		"$(bench_median "${other[@]}")")
	if [ $# -ge 6 ]; then
		line="$line $(printf '%7s %7s' "$(bench_ratio "$MED" "$5")" "$(bench_ratio "$6" "$MED_US")")"
	fi
	[ $# -ge 7 ] && line="$line  $7"
	TABLE+=("$line")
}

# ---- durable intakes (bench/appeals.sh (a), bench/pg.sh, bench/intake-ab.sh) ----

# bench_intake_lua FILE: writes the wrk script of the intake runs: POST /api/v1/appeals as
# the token in YW_TOKEN, a different appeal each time (text and phone vary), counting the
# 201s so that the run can hold them against the rows on disk ("created N other M").
bench_intake_lua() {
	cat >"$1" <<'EOF'
local threads = {}
local n = 0

function setup(thread)
	table.insert(threads, thread)
end

function init(args)
	created, other = 0, 0
	wrk.method = "POST"
	wrk.headers["Content-Type"] = "application/json"
	wrk.headers["Authorization"] = "Bearer " .. os.getenv("YW_TOKEN")
end

function request()
	n = n + 1
	local body = string.format(
		'{"content":"基准测试第%d件：中华社区%d号楼室温只有%d度，家里有老人，请供热公司尽快处理。",' ..
		'"channel":"8890","type":"complaint","category_id":2,"contact_name":"王女士",' ..
		'"contact_phone":"139%08d","address":"海州区中华路%d号福园小区%d号楼","region_code":"210902003000"}',
		n, n % 30 + 1, 12 + n % 5, n, n % 200 + 1, n % 30 + 1)
	return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
	if status == 201 then
		created = created + 1
	else
		other = other + 1
	end
end

function done(summary, latency, requests)
	local c, o = 0, 0
	for _, t in ipairs(threads) do
		c = c + t:get("created")
		o = o + t:get("other")
	end
	io.write(string.format("created %d other %d\n", c, o))
end
EOF
}

# bench_kill_now PID: stops PID at once with SIGKILL (a crash: only what was committed
# survives) and forgets it.
bench_kill_now() {
	local pid=$1 p rest=()
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	for p in "${BENCH_PIDS[@]}"; do
		[ "$p" = "$pid" ] || rest+=("$p")
	done
	BENCH_PIDS=("${rest[@]}")
}

# bench_intake_durable LABEL REP NAME PID BASE CONNECTIONS COUNT: one durable intake run.
# Logs in as the demo's agent on the yiwang PID at BASE (http://host:port), runs the
# script $BENCH_TMP/intake.lua (bench_intake_lua) with CONNECTIONS connections as
# one_run NAME (appending to the arrays named by OUT_RPS, OUT_US, OUT_OTHER), kills the
# server with SIGKILL and counts the rows with the command COUNT (prints the number of
# cases, e.g. the name of a function; also run before the wrk run). Every 201 wrk received must be a row; rows beyond
# the 201s are requests in flight when wrk stopped (at most CONNECTIONS). Optional
# commands BENCH_INTAKE_PRE and BENCH_INTAKE_POST are evaluated just before and after wrk
# (bench/pg.sh: the database's CPU). Appends a line to DURABILITY (header:
# bench_durability_header) and sets BENCH_INTAKE_ACKED, BENCH_INTAKE_ROWS and BENCH_INTAKE_VERDICT.
bench_intake_durable() {
	local label=$1 rep=$2 name=$3 pid=$4 base=$5 conns=$6 count=$7 before after tok others
	before=$($count)
	tok=$(bench_login "$base" agent)
	[ -f "$BENCH_TMP/intake.lua" ] || bench_intake_lua "$BENCH_TMP/intake.lua"
	[ -n "${BENCH_INTAKE_PRE:-}" ] && eval "$BENCH_INTAKE_PRE"
	YW_TOKEN=$tok BENCH_CONNECTIONS=$conns one_run "$name" "$pid" "$base/api/v1/appeals" \
		-s "$BENCH_TMP/intake.lua"
	[ -n "${BENCH_INTAKE_POST:-}" ] && eval "$BENCH_INTAKE_POST"
	bench_kill_now "$pid"
	after=$($count)
	BENCH_INTAKE_ACKED='' others=''
	read -r BENCH_INTAKE_ACKED others < <(awk '/^created / {print $2, $4}' "$BENCH_TMP/wrk/$name.txt")
	BENCH_INTAKE_ROWS=$((after - before))
	BENCH_INTAKE_VERDICT=ok
	if [ -z "$BENCH_INTAKE_ACKED" ]; then
		BENCH_INTAKE_VERDICT="no count"
	elif ((BENCH_INTAKE_ROWS < BENCH_INTAKE_ACKED)); then
		BENCH_INTAKE_VERDICT="LOST $((BENCH_INTAKE_ACKED - BENCH_INTAKE_ROWS))"
	elif ((BENCH_INTAKE_ROWS - BENCH_INTAKE_ACKED > conns)); then
		BENCH_INTAKE_VERDICT="extra $((BENCH_INTAKE_ROWS - BENCH_INTAKE_ACKED)) > $conns in flight?"
	fi
	DURABILITY+=("$(printf '%-12s %4s %8s %8s %8s %6s %6s  %s' "$label" "$rep" \
		"$(awk '/^Requests\/sec:/ {print $2}' "$BENCH_TMP/wrk/$name.txt")" "${BENCH_INTAKE_ACKED:-?}" \
		"$BENCH_INTAKE_ROWS" "$((BENCH_INTAKE_ROWS - ${BENCH_INTAKE_ACKED:-0}))" "${others:-?}" "$BENCH_INTAKE_VERDICT")")
	bench_log "bench: intake $label run $rep: 201s ${BENCH_INTAKE_ACKED:-?}, rows $BENCH_INTAKE_ROWS ($BENCH_INTAKE_VERDICT)"
}

# The header of the DURABILITY lines.
bench_durability_header() {
	printf '%-12s %4s %8s %8s %8s %6s %6s  %s\n' run rep "r/s" "201s" rows extra non201 verdict
}

# bench_appeals_fixture DB ROWS: adds ROWS appeals to the demo database DB (plain SQL
# through the sqlite3 shell: a benchmark fixture, not product data), a year of them spread
# evenly before now across the demo's regions and the units that handle appeals (the units
# with assignments, or those BENCH_HANDLERS_SQL selects: "SELECT id, path FROM units
# WHERE ..."); 95 % closed, the rest open in every state; 5 % signed late, 7 % replied
# late, 1 in 7 unresolved, satisfaction 70/20/10. One assignment each, as a dispatch makes.
# Used by bench/appeals.sh (d) and bench/reviews.sh.
bench_appeals_fixture() {
	local big=$1 rows=$2 now_ms span hotline handlers
	now_ms=$(($(date +%s) * 1000))
	span=$((365 * 86400000))
	hotline=$(sqlite3 "$big" "SELECT id FROM units WHERE name = '阜新市8890便民服务中心'")
	handlers=${BENCH_HANDLERS_SQL:-"SELECT id, path FROM units WHERE id IN (SELECT DISTINCT unit_id FROM case_assignments)"}
	sqlite3 "$big" >/dev/null <<EOF || bench_die "generating the appeals fixture failed"
PRAGMA synchronous = OFF;
PRAGMA cache_size = -1000000;
BEGIN;
CREATE TEMP TABLE r AS SELECT row_number() OVER (ORDER BY id) - 1 AS k, id, path FROM units
	WHERE kind IN ('township', 'community', 'village');
CREATE TEMP TABLE h AS SELECT row_number() OVER (ORDER BY id) - 1 AS k, id, path
	FROM ($handlers);
CREATE TEMP TABLE c AS SELECT row_number() OVER (ORDER BY id) - 1 AS k, id FROM categories;
CREATE TEMP TABLE nums AS SELECT (SELECT COUNT(*) FROM temp.r) AS nr,
	(SELECT COUNT(*) FROM temp.h) AS nh, (SELECT COUNT(*) FROM temp.c) AS nc;
INSERT INTO cases (kind, number, status, region_id, region_path, intake_unit_id, handler_id,
	handler_path, title, content, urgent, created_by, created_at, updated_at, dispatched_at,
	signed_at, replied_at, closed_at, sign_due_at, finish_due_at)
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $rows - 1),
g AS (SELECT i, $now_ms - $span + i * ($span / $rows) AS ts,
	CASE WHEN i % 100 < 95 THEN 'closed' WHEN i % 100 < 97 THEN 'handling'
	     WHEN i % 100 < 98 THEN 'dispatched' WHEN i % 100 < 99 THEN 'replied'
	     ELSE 'revisit' END AS st FROM n)
SELECT 'appeal', printf('BX%08d', i), st, r.id, r.path, $hotline, h.id, h.path,
	'基准测试诉求' || i, '基准测试用的诉求内容，第' || i || '件。', 0, NULL, ts, ts,
	ts + 600000,
	CASE WHEN st = 'dispatched' THEN NULL
	     ELSE ts + 600000 + (CASE WHEN i % 20 = 0 THEN 3 * 3600000 ELSE 1800000 END) END,
	CASE WHEN st IN ('closed', 'replied', 'revisit')
	     THEN ts + (CASE WHEN i % 14 = 0 THEN 6 ELSE 2 END) * 86400000 END,
	CASE WHEN st = 'closed' THEN ts + 4 * 86400000 END,
	ts + 600000 + 7200000, ts + 600000 + 5 * 86400000
FROM g, temp.nums
JOIN temp.r r ON r.k = (g.i * 7919) % nums.nr
JOIN temp.h h ON h.k = (g.i * 104729) % nums.nh;
INSERT INTO appeals (case_id, channel, type, category_id, contact_name, contact_phone, anonymous,
	address, resolved, satisfaction)
SELECT id, CASE id % 10 WHEN 0 THEN '12345' WHEN 1 THEN 'app' WHEN 2 THEN 'housing'
	ELSE '8890' END, 'complaint', (SELECT c.id FROM temp.c c WHERE c.k = cases.id % nums.nc),
	'王女士', printf('139%08d', id), 0, '海州区中华路',
	CASE WHEN status IN ('closed', 'replied', 'revisit') THEN (id % 7 <> 0) END,
	CASE WHEN status <> 'closed' THEN NULL WHEN id % 10 = 0 THEN 'dissatisfied'
	     WHEN id % 10 < 3 THEN 'basically_satisfied' ELSE 'satisfied' END
FROM cases, temp.nums WHERE number >= 'BX' AND number < 'BY';
INSERT INTO case_assignments (case_id, unit_id, dispatched_at, sign_due_at, finish_due_at,
	signed_at, signed_on_time, replied_at, replied_on_time, closed_at, resolved, satisfaction,
	reopened, overdue)
SELECT c.id, c.handler_id, c.dispatched_at, c.sign_due_at, c.finish_due_at, c.signed_at,
	CASE WHEN c.signed_at IS NOT NULL THEN c.signed_at <= c.sign_due_at END, c.replied_at,
	CASE WHEN c.replied_at IS NOT NULL THEN c.replied_at <= c.finish_due_at END, c.closed_at,
	p.resolved, p.satisfaction, 0,
	CASE WHEN c.signed_at > c.sign_due_at OR c.replied_at > c.finish_due_at THEN 1 ELSE 0 END
FROM cases c JOIN appeals p ON p.case_id = c.id WHERE c.number >= 'BX' AND c.number < 'BY';
UPDATE cases SET assignment_id = (SELECT a.id FROM case_assignments a WHERE a.case_id = cases.id)
WHERE number >= 'BX' AND number < 'BY';
COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
EOF
}
