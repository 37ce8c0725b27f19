#!/usr/bin/env bash
# The loopback cluster's controls (deploy/cluster/up.sh brought it up):
#
#   ctl.sh status          who leads, the members and their lag, the yiwang nodes up
#   ctl.sh kill-primary    SIGKILL to the PostgreSQL leader's postmaster. Patroni there sees
#                          its postgres gone and hands the lead over (primary_start_timeout
#                          0): the synchronous standby is promoted, HAProxy moves writes to
#                          it, and Patroni starts the old one again as a replica (pg_rewind).
#   ctl.sh kill-node N     SIGKILL to yiwang node N (1-3). Both happen: HAProxy stops sending
#                          it requests (a refused connection is retried on another node at
#                          once, the health check takes it out within 2 s) and its supervisor
#                          starts it again after 0.5 s (systemd's Restart=always on real
#                          machines); HAProxy takes it back after 2 good checks.
#   ctl.sh nodes K [bouncer]  restarts the nodes: 1..K behind the front, connected to
#                          HAProxy's write port, or to PgBouncer (bench/cluster.sh)
#   ctl.sh wait-healthy [S]  waits (at most S s, default 120) until 3 members stream with one
#                          leader and one synchronous standby and every node answers
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
[ -d "$D/run" ] || die "no cluster in $D (deploy/cluster/up.sh)"

nodes_running() { ls "$D"/run/node[0-9].pid 2>/dev/null | sed 's/.*node\([0-9]\).pid/\1/'; }

all_nodes_healthy() {
	local i
	for i in $(nodes_running); do node_healthy "$i" || return 1; done
}

status() {
	local leader i code
	leader=$(leader_name)
	echo "leader:  ${leader:-none}"
	echo "members: $(members_summary)"
	if [ -n "$leader" ]; then
		echo "replication (from the leader):"
		psql -X -q -A -F ' ' -t "postgresql://postgres@127.0.0.1:$PG_WRITE/postgres" -c \
			"SELECT '  ' || application_name, state, sync_state,
			        'behind ' || pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) || ' bytes',
			        'replay lag ' || coalesce(replay_lag::text, '0')
			   FROM pg_stat_replication ORDER BY application_name" 2>/dev/null ||
			echo "  (the leader does not answer)"
	fi
	echo -n "nodes:  "
	for i in 1 2 3; do
		if [ -e "$D/run/node$i.pid" ]; then
			code=$(http_status "http://127.0.0.1:$(node_port $i)/healthz")
			case $code in
			200) echo -n " n$i up" ;;
			503) echo -n " n$i up (no database)" ;;
			*) echo -n " n$i down" ;;
			esac
		fi
	done
	echo
	echo "front:   http://127.0.0.1:$FRONT ($(http_status "http://127.0.0.1:$FRONT/healthz"))"
}

kill_primary() {
	local leader i pid
	leader=$(leader_name)
	[ -n "$leader" ] || die "no leader now"
	i=${leader#pg}
	pid=$(head -n1 "$D/pg/p$i/data/postmaster.pid" 2>/dev/null) || die "no postmaster.pid for $leader"
	kill -KILL "$pid"
	echo "killed the postmaster of $leader (the leader; pid $pid) at $(date -u +%FT%T.%3NZ)"
}

kill_node() {
	local n=$1 pid
	[[ $n =~ ^[1-9]$ ]] && [ -e "$D/run/node$n.pid" ] || die "no yiwang node $n"
	pid=$(cat "$D/run/node$n.child" 2>/dev/null) || die "node $n is not running"
	kill -KILL "$pid"
	echo "killed yiwang node $n (pid $pid) at $(date -u +%FT%T.%3NZ)"
}

set_nodes() { # k [bouncer]
	local k=$1 i
	[[ $k =~ ^[1-3]$ ]] || die "nodes: 1 to 3"
	# Every node starts again, connected straight to HAProxy's write port or to PgBouncer.
	# Behind PgBouncer (transaction mode) the nodes run in pooler mode (docs/deploy.md).
	[ "${2:-}" = bouncer ] && NODE_DB=$BOUNCER_URL && NODE_POOLER=transaction
	for i in 1 2 3; do stop_pidfile "$D/run/node$i.pid"; done
	for i in $(seq 1 "$k"); do start_node "$i"; done
	for i in $(seq 1 "$k"); do
		wait_for 60 node_healthy "$i" || die "node $i did not start (see $D/node/n$i.log)"
	done
	stop_pidfile "$D/run/haproxy-front.pid"
	write_haproxy_front_cfg "$k"
	spawn "$D/run/haproxy-front.pid" "$D/haproxy-front.log" haproxy -db -f "$D/haproxy-front.cfg"
	wait_for 30 front_healthy || die "the front does not answer"
	# (two good checks each before HAProxy sends a node requests)
	sleep 2.5
	echo "front: nodes 1..$k, database ${NODE_DB:-$DB_URL}"
}

wait_healthy() {
	local s=${1:-120}
	wait_for "$s" members_healthy || die "members not healthy after $s s: $(members_summary)"
	wait_for "$s" all_nodes_healthy || die "yiwang nodes not all up after $s s"
}

case ${1:-} in
status) status ;;
kill-primary) kill_primary ;;
kill-node) kill_node "${2:-}" ;;
nodes) set_nodes "${2:-}" "${3:-}" ;;
wait-healthy) wait_healthy "${2:-120}" ;;
*) die "usage: ctl.sh status | kill-primary | kill-node N | nodes K [bouncer] | wait-healthy [S]" ;;
esac
