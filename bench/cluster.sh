#!/usr/bin/env bash
# Intakes and reads per second through the cluster's front (deploy/cluster: HAProxy, yiwang
# nodes, PostgreSQL ×3 under Patroni with synchronous replication) with 1, 2 and 3 yiwang
# nodes, and with 3 nodes connected through PgBouncer in transaction mode instead of
# straight to HAProxy's write port. One table; docs/benchmarks.md "Cluster".
#
#   bench/cluster.sh                          # DURATION=10 REPEAT=3 CONNS=64, about 10 minutes
#   DURATION=3 REPEAT=1 bench/cluster.sh      # smoke test
#
# Each configuration: REPEAT rounds of three wrk runs (wrk -t1 -cCONNS -dDURATION):
#   - nginx serving the read's body as a static file (the reference of the same moment:
#     the machine is shared, so every figure is also given as a ratio to it);
#   - reads: GET /api/v1/appeals/{id} as the agent (one appeal with its timeline);
#   - intakes: POST /api/v1/appeals as the agent, a different appeal each request, each
#     durable on the primary and the synchronous standby before its 201.
# (wrk --timeout 10s: an intake waits for the standby's disk on a loaded machine.)
# Medians are quoted. Nothing is pinned to a core: the cluster is ~15 processes on this
# machine's cores, and wrk competes with them, as does anything else running.
set -uo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

DURATION=${DURATION:-10}
REPEAT=${REPEAT:-3}
CONNS=${CONNS:-64}
export YIWANG_CLUSTER_DIR=${YIWANG_CLUSTER_DIR:-/tmp/yiwang-cluster-bench}
export YIWANG_CLUSTER_PORT=${YIWANG_CLUSTER_PORT:-27300}
export BENCH_DURATION=$DURATION BENCH_CONNECTIONS=$CONNS BENCH_NO_PIN=1

bench_init
trap 'deploy/cluster/down.sh >/dev/null 2>&1; bench_cleanup' EXIT
bench_build
BENCH_NO_PIN=1

bench_log "bench: bringing the cluster up"
front=$(deploy/cluster/up.sh | tail -n 1)
case $front in http://127.0.0.1:*) ;; *) bench_die "up.sh failed" ;; esac
tok=$(bench_login "$front" agent)

# The read: the newest appeal in the agent's area, with its timeline.
id=$(curl -sS -H "Authorization: Bearer $tok" "$front/api/v1/appeals?per_page=1" |
	sed -n 's/^{"items":\[{"id":\([0-9]*\).*/\1/p')
[ -n "$id" ] || bench_die "no appeal to read"
mkdir -p "$BENCH_TMP/www"
curl -sS -H "Authorization: Bearer $tok" -o "$BENCH_TMP/www/appeal.json" "$front/api/v1/appeals/$id"
read_bytes=$(stat -c %s "$BENCH_TMP/www/appeal.json")
bench_nginx_start "$BENCH_TMP/www"

cat >"$BENCH_TMP/read.lua" <<EOF
wrk.headers["Authorization"] = "Bearer $tok"
EOF
cat >"$BENCH_TMP/intake.lua" <<'EOF'
-- POST /api/v1/appeals as the agent, a different appeal each time.
local token = os.getenv("YW_TOKEN")
local n = 0
function init(args)
	wrk.method = "POST"
	wrk.headers["Content-Type"] = "application/json"
	wrk.headers["Authorization"] = "Bearer " .. token
end
function request()
	n = n + 1
	local body = string.format(
		'{"content":"集群基准第%d件：中华社区%d号楼室温只有%d度，请供热公司尽快处理。",' ..
		'"channel":"8890","type":"complaint","contact_phone":"139%08d",' ..
		'"address":"海州区中华路%d号","region_code":"210902003000"}',
		n, n % 30 + 1, 12 + n % 5, n, n % 200 + 1)
	return wrk.format(nil, nil, nil, body)
end
EOF
export YW_TOKEN=$tok

ROWS=()
one_config() { # label nodes [bouncer]
	local label=$1 k=$2 via=${3:-} r ng=() rd=() in=()
	bench_log "bench: $label"
	if ! deploy/cluster/ctl.sh nodes "$k" $via >&2; then
		local why
		why=$(grep -h -i -m1 'error\|fatal\|fail' "$YIWANG_CLUSTER_DIR"/node/n*.log 2>/dev/null | head -n1 | cut -c1-160)
		ROWS+=("| $label | — | did not start: ${why:-a node did not answer /healthz within 60 s} | | | |")
		return
	fi
	tok=$(bench_login "$front" agent)
	export YW_TOKEN=$tok
	printf 'wrk.headers["Authorization"] = "Bearer %s"\n' "$tok" >"$BENCH_TMP/read.lua"
	for r in $(seq 1 "$REPEAT"); do
		ng+=("$(bench_wrk "nginx-$k$via-$r" "http://127.0.0.1:$NGINX_PORT/appeal.json")")
		rd+=("$(bench_wrk "read-$k$via-$r" "$front/api/v1/appeals/$id" --timeout 10s -s "$BENCH_TMP/read.lua")")
		in+=("$(bench_wrk "intake-$k$via-$r" "$front/api/v1/appeals" --timeout 10s -s "$BENCH_TMP/intake.lua")")
		bench_log "bench:   round $r: nginx ${ng[-1]}, reads ${rd[-1]}, intakes ${in[-1]} req/s"
	done
	local mn mr mi
	mn=$(bench_median "${ng[@]}")
	mr=$(bench_median "${rd[@]}")
	mi=$(bench_median "${in[@]}")
	ROWS+=("$(printf '| %s | %s | %s (%s–%s) | %s | %s (%s–%s) | %s |' "$label" "$mn" \
		"$mr" "$(bench_min "${rd[@]}")" "$(bench_max "${rd[@]}")" "$(bench_ratio "$mr" "$mn")" \
		"$mi" "$(bench_min "${in[@]}")" "$(bench_max "${in[@]}")" "$(bench_ratio "$mi" "$mn")")")
}

one_config "1 node" 1
one_config "2 nodes" 2
one_config "3 nodes" 3
one_config "1 node, PgBouncer (transaction mode)" 1 bouncer
one_config "3 nodes, PgBouncer (transaction mode)" 3 bouncer

echo
echo "bench/cluster.sh: $(date -u '+%F %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null)," \
	"$(nproc) cores (shared), wrk -t1 -c$CONNS -d${DURATION}s, $REPEAT rounds, medians; read body $read_bytes B"
echo
echo "| configuration | nginx static (reference) req/s | reads req/s (min–max) | reads / nginx | intakes req/s (min–max) | intakes / nginx |"
echo "|---|---:|---:|---:|---:|---:|"
printf '%s\n' "${ROWS[@]}"
