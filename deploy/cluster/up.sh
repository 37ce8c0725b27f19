#!/usr/bin/env bash
# Brings up yiwang on a PostgreSQL cluster on this machine's loopback:
#
#   etcd ×3 ── Patroni ×3 (PostgreSQL 15, synchronous replication)
#                 └─ HAProxy: writes → the leader, reads → the replicas (Patroni's REST checks)
#                       └─ yiwang ×3 (restarted when they die) ── HAProxy: the front
#
# loads the Fuxin demo, and prints the front's URL as its last line. deploy/cluster/down.sh
# removes it all; deploy/cluster/ctl.sh kills members and tells who leads. docs/deploy.md
# ("A cluster") explains the choices and gives the same for real machines.
#
#   YIWANG_CLUSTER_DIR    state directory (default /tmp/yiwang-cluster; replaced if present)
#   YIWANG_CLUSTER_PORT   first port (default 27100; it uses BASE..BASE+69, see lib.sh)
#   YIWANG_BIN            the binary (default build/yiwang)
#   YIWANG_CLUSTER_CACHE  where the demo's dump is kept between runs (default build/cluster)
#   YIWANG_CLUSTER_NODES  yiwang nodes to start (default 3; bench/cluster.sh uses 1..3)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

for b in etcd etcdctl patroni patronictl haproxy pgbouncer "$PGBIN/postgres" "$PGBIN/pg_dump" psql; do
	command -v "$b" >/dev/null || die "$b is missing (scripts/install-deps.sh)"
done
[ -x "$PY" ] || die "$PY is missing (Debian's python3, which patroni brings)"
[ -x "$YIWANG_BIN" ] || die "no $YIWANG_BIN (make)"
NODES=${YIWANG_CLUSTER_NODES:-3}
t0=$SECONDS

# A cluster left behind (or a port taken) would make a mess of this one.
if [ -e "$D" ]; then
	say "removing the previous cluster in $D"
	"$here/down.sh" >/dev/null 2>&1 || true
fi
for port in $FRONT $PG_WRITE $PG_READ $HA_STATS $BOUNCER $(for i in 1 2 3; do
	echo "$(etcd_client $i) $(etcd_peer $i) $(pg_port $i) $(rest_port $i) $(node_port $i) $(metrics_port $i)"
done); do
	[ -z "$(ss -Htln "sport = :$port" 2>/dev/null)" ] ||
		die "port $port is taken (set YIWANG_CLUSTER_PORT to another base)"
done

mkdir -p "$D"/{etcd,pg,node,files,run}
chmod 755 "$D"
[ "$(id -u)" -eq 0 ] && chown postgres:postgres "$D/pg"
as_pg test -w "$D/pg" || die "$D/pg is not writable by the postgres user (its parents must be searchable)"

# ---- etcd ×3: the consensus Patroni keeps its leader lock in ----
say "etcd ×3"
initial=""
for i in 1 2 3; do initial+="${initial:+,}e$i=http://127.0.0.1:$(etcd_peer $i)"; done
for i in 1 2 3; do
	mkdir -p "$D/etcd/e$i"
	chmod 700 "$D/etcd/e$i"
	# Heartbeat and election timeout at twice etcd's defaults: a shared 2-core machine
	# stalls processes for hundreds of milliseconds, and a needless etcd election would
	# hold up every Patroni loop.
	spawn "$D/run/etcd$i.pid" "$D/etcd/e$i.log" \
		etcd --name "e$i" --data-dir "$D/etcd/e$i/data" \
		--listen-client-urls "http://127.0.0.1:$(etcd_client $i)" \
		--advertise-client-urls "http://127.0.0.1:$(etcd_client $i)" \
		--listen-peer-urls "http://127.0.0.1:$(etcd_peer $i)" \
		--initial-advertise-peer-urls "http://127.0.0.1:$(etcd_peer $i)" \
		--initial-cluster "$initial" --initial-cluster-state new \
		--initial-cluster-token "yiwang-$BASE" \
		--heartbeat-interval 200 --election-timeout 2000
done
wait_for 60 etcd_healthy || die "etcd did not become healthy (see $D/etcd/*.log)"

# ---- Patroni ×3, each with a PostgreSQL 15 ----
say "Patroni ×3 (PostgreSQL 15)"
pg_cmd=()
[ "$(id -u)" -eq 0 ] && pg_cmd=(runuser -u postgres --)
for i in 1 2 3; do
	dir="$D/pg/p$i"
	as_pg mkdir -p "$dir"
	as_pg chmod 700 "$dir"
	as_pg tee "$dir/patroni.yml" >/dev/null <<-YML
		scope: yiwang
		namespace: /yiwang-$BASE/
		name: pg$i
		restapi:
		  listen: 127.0.0.1:$(rest_port $i)
		  connect_address: 127.0.0.1:$(rest_port $i)
		etcd3:
		  hosts: $ETCD_HOSTS
		bootstrap:
		  dcs:
		    # Failover timing on loopback (docs/deploy.md "Durability and failover"); Patroni
		    # requires loop_wait + 2 × retry_timeout <= ttl.
		    ttl: 12
		    loop_wait: 2
		    retry_timeout: 5
		    # A primary whose postgres died is not restarted in place: the synchronous
		    # standby takes over at once and the old primary comes back as a replica.
		    primary_start_timeout: 0
		    # Only the synchronous standby may be promoted; strict: with no standby to
		    # confirm it, the primary acknowledges no commit.
		    synchronous_mode: true
		    synchronous_mode_strict: true
		    postgresql:
		      use_pg_rewind: true
		      remove_data_directory_on_rewind_failure: true
		      remove_data_directory_on_diverged_timelines: true
		      use_slots: true
		      parameters:
		        synchronous_commit: "on"
		        max_connections: 200
		        max_wal_senders: 10
		        max_replication_slots: 10
		        wal_keep_size: 512MB
		        hot_standby: "on"
		        hot_standby_feedback: "on"
		        # a replica told to follow a new leader retries its connection after 1 s,
		        # not 5: the new leader acknowledges no write until a standby is back
		        wal_retrieve_retry_interval: 1s
		  initdb:
		    - encoding: UTF8
		    - locale: C.UTF-8
		    - data-checksums
		postgresql:
		  listen: 127.0.0.1:$(pg_port $i)
		  connect_address: 127.0.0.1:$(pg_port $i)
		  data_dir: $dir/data
		  bin_dir: $PGBIN
		  pgpass: $dir/pgpass
		  authentication:
		    superuser:
		      username: postgres
		    replication:
		      username: replicator
		    rewind:
		      username: postgres
		  # Loopback only: local connections are trusted (docs/deploy.md uses
		  # scram-sha-256 and passwords on real machines).
		  pg_hba:
		    - local all all trust
		    - host all all 127.0.0.1/32 trust
		    - host replication replicator 127.0.0.1/32 trust
		  parameters:
		    unix_socket_directories: '$dir'
		    shared_buffers: 64MB
	YML
	spawn "$D/run/patroni$i.pid" "$D/pg/p$i.log" "${pg_cmd[@]}" patroni "$dir/patroni.yml"
	# The first member bootstraps the cluster; the others copy it once it leads.
	if [ "$i" -eq 1 ]; then
		wait_for 120 has_leader || die "no leader after 120 s (see $D/pg/p1.log)"
	fi
done

# ---- HAProxy: PostgreSQL by role ----
say "HAProxy for PostgreSQL (writes :$PG_WRITE, reads :$PG_READ)"
write_haproxy_pg_cfg
spawn "$D/run/haproxy-pg.pid" "$D/haproxy-pg.log" haproxy -db -f "$D/haproxy-pg.cfg"
wait_for 60 pg_isready -q -h 127.0.0.1 -p "$PG_WRITE" -t 1 ||
	die "the leader does not answer through HAProxy (see $D/haproxy-pg.log, $D/pg/p*.log)"
# Writes are acknowledged only once a synchronous standby confirms them: wait for one.
wait_for 180 has_sync_standby || die "no synchronous standby after 180 s ($(members_summary))"

# ---- PgBouncer, transaction mode, in front of the leader (bench/cluster.sh) ----
write_pgbouncer_ini
[ "$(id -u)" -eq 0 ] && chown postgres:postgres "$D/pgbouncer.ini" && touch "$D/pgbouncer.log" && chown postgres "$D/pgbouncer.log"
spawn "$D/run/pgbouncer.pid" "$D/pgbouncer.log" "${pg_cmd[@]}" pgbouncer "$D/pgbouncer.ini"

# ---- the demo ----
say "the demo"
load_demo

# ---- yiwang nodes ----
say "yiwang ×$NODES"
for i in $(seq 1 "$NODES"); do
	start_node "$i"
	# The first node migrates the schema (under PostgreSQL's advisory lock anyway).
	if [ "$i" -eq 1 ]; then
		wait_for 60 node_healthy 1 || die "yiwang node 1 did not start (see $D/node/n1.log)"
	fi
done
for i in $(seq 1 "$NODES"); do
	wait_for 60 node_healthy "$i" || die "yiwang node $i did not start (see $D/node/n$i.log)"
done
write_haproxy_front_cfg "$NODES"
spawn "$D/run/haproxy-front.pid" "$D/haproxy-front.log" haproxy -db -f "$D/haproxy-front.cfg"
wait_for 30 front_healthy || die "the front does not answer (see $D/haproxy-front.log)"

say "up in $((SECONDS - t0)) s: $(members_summary); $NODES yiwang nodes; state in $D"
say "  statistics http://127.0.0.1:$HA_STATS/   writes $DB_URL   reads $DB_READ_URL"
echo "http://127.0.0.1:$FRONT"
