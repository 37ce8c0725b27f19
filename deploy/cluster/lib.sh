# Shared by up.sh, down.sh and ctl.sh: where the loopback cluster lives and its ports.
#
#   YIWANG_CLUSTER_DIR   state directory (default /tmp/yiwang-cluster)
#   YIWANG_CLUSTER_PORT  first of the ports it uses (default 27100; it takes BASE..BASE+69;
#                        below Linux's ephemeral ports, 32768-60999, which outgoing
#                        connections may hold at any moment)
#
# Ports, from BASE:
#   +0 the front (HTTP, yiwang nodes behind HAProxy)     +1 PostgreSQL, the leader (writes)
#   +2 PostgreSQL, the replicas (reads)                    +3 HAProxy statistics page
#   +4 PgBouncer (transaction mode, in front of +1)
#   +11..13 etcd clients   +21..23 etcd peers   +31..33 PostgreSQL   +41..43 Patroni REST
#   +51..53 yiwang nodes   +61..63 their /metrics (no token: a private address)

CLUSTER_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
D=${YIWANG_CLUSTER_DIR:-/tmp/yiwang-cluster}
BASE=${YIWANG_CLUSTER_PORT:-27100}
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
YIWANG_BIN=${YIWANG_BIN:-$CLUSTER_ROOT/build/yiwang}
PY=/usr/bin/python3 # Debian's, which Patroni runs on
N=3

FRONT=$BASE
PG_WRITE=$((BASE + 1))
PG_READ=$((BASE + 2))
HA_STATS=$((BASE + 3))
BOUNCER=$((BASE + 4))
etcd_client() { echo $((BASE + 10 + $1)); }
etcd_peer() { echo $((BASE + 20 + $1)); }
pg_port() { echo $((BASE + 30 + $1)); }
rest_port() { echo $((BASE + 40 + $1)); }
node_port() { echo $((BASE + 50 + $1)); }
metrics_port() { echo $((BASE + 60 + $1)); }

ETCD_HOSTS="127.0.0.1:$(etcd_client 1),127.0.0.1:$(etcd_client 2),127.0.0.1:$(etcd_client 3)"
# The database yiwang uses, through HAProxy to whichever member leads.
DB_NAME=yiwang
DB_URL="postgresql://postgres@127.0.0.1:$PG_WRITE/$DB_NAME"
DB_READ_URL="postgresql://postgres@127.0.0.1:$PG_READ/$DB_NAME"
BOUNCER_URL="postgresql://postgres@127.0.0.1:$BOUNCER/$DB_NAME"

say() { echo "cluster: $*" >&2; }
die() {
	echo "cluster: $*" >&2
	exit 1
}

# initdb and postgres refuse to run as root: Patroni runs as the postgres user then.
as_pg() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

# HTTP status of a GET (000 when nothing answers); no curl on a bare Debian.
http_status() { # url
	"$PY" - "$1" <<-'PYEOF' 2>/dev/null || echo 000
		import sys, urllib.request, urllib.error
		try:
		    print(urllib.request.urlopen(sys.argv[1], timeout=2).status)
		except urllib.error.HTTPError as e:
		    print(e.code)
		except Exception:
		    print("000")
	PYEOF
}

# Waits until CMD succeeds, at most SECONDS; false on timeout.
wait_for() { # seconds cmd...
	local until=$((SECONDS + $1))
	shift
	while ! "$@" >/dev/null 2>&1; do
		[ $SECONDS -lt "$until" ] || return 1
		sleep 0.3
	done
}

# The cluster as Patroni's REST API tells it (GET /cluster on the first member that
# answers; quicker than patronictl, which a loaded machine takes a second to start), asked
# one question: MODE is
#   leader    the leading member's name (pg1..pg3), or nothing
#   sync      true if a member is the synchronous standby and streams
#   healthy   true if 3 members run, one leads and one is the synchronous standby
#   summary   one line: "pg1 leader running, pg2 sync_standby streaming lag 0 B, ..."
members() { # mode
	"$PY" - "$1" $(for i in 1 2 3; do rest_port $i; done) <<-'PYEOF'
		import json, sys, urllib.request
		mode, ports = sys.argv[1], sys.argv[2:]
		ms = None
		for p in ports:
		    try:
		        with urllib.request.urlopen("http://127.0.0.1:%s/cluster" % p, timeout=2) as r:
		            ms = json.load(r)["members"]
		        break
		    except Exception:
		        pass
		if ms is None:
		    if mode == "summary":
		        print("no answer from Patroni")
		    sys.exit(1)
		up = ("running", "streaming")
		roles = [m["role"] for m in ms]
		if mode == "leader":
		    print(" ".join(m["name"] for m in ms if m["role"] == "leader" and m["state"] == "running"))
		elif mode == "sync":
		    sys.exit(0 if any(m["role"] == "sync_standby" and m["state"] in up for m in ms) else 1)
		elif mode == "healthy":
		    ok = len(ms) == 3 and roles.count("leader") == 1 and roles.count("sync_standby") == 1 \
		        and all(m["state"] in up for m in ms)
		    sys.exit(0 if ok else 1)
		else:
		    out = []
		    for m in ms:
		        s = "%s %s %s" % (m["name"], m["role"], m["state"])
		        if m["role"] != "leader":
		            lag = m.get("lag", "unknown")
		            s += " lag %s%s" % (lag, " B" if isinstance(lag, int) else "")
		        out.append(s)
		    print(", ".join(out) if out else "no members")
	PYEOF
}

leader_name() { members leader 2>/dev/null; }

# Started in its own session with its pid written down, so down.sh ends exactly it.
spawn() { # pidfile logfile cmd...
	local pidfile=$1 logfile=$2
	shift 2
	setsid "$@" </dev/null >>"$logfile" 2>&1 &
	echo $! >"$pidfile"
}

# Ends what a pid file names (its whole process group) and waits for it; SIG default TERM.
stop_pidfile() { # pidfile [signal]
	local pid
	[ -f "$1" ] || return 0
	pid=$(cat "$1")
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill -"${2:-TERM}" -- "-$pid" 2>/dev/null || kill -"${2:-TERM}" "$pid" 2>/dev/null || true
		for _ in $(seq 1 100); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL -- "-$pid" 2>/dev/null || true
	fi
	rm -f "$1"
}

etcd_healthy() {
	ETCDCTL_API=3 etcdctl --endpoints="$ETCD_HOSTS" --command-timeout=2s endpoint health
}

has_leader() { [ -n "$(leader_name)" ]; }
has_sync_standby() { members sync; }
members_healthy() { members healthy; }
members_summary() { members summary 2>/dev/null || echo "no answer from Patroni"; }

node_healthy() { [ "$(http_status "http://127.0.0.1:$(node_port "$1")/healthz")" = 200 ]; }
front_healthy() { [ "$(http_status "http://127.0.0.1:$FRONT/healthz")" = 200 ]; }

# PostgreSQL by role: Patroni's REST answers 200 on /primary only on the leader, on
# /replica only on a running replica. A member marked down has its sessions cut, so that
# clients reconnect to the new leader instead of waiting on a dead one.
write_haproxy_pg_cfg() {
	{
		cat <<-CFG
			global
			  maxconn 2000
			defaults
			  mode tcp
			  timeout connect 2s
			  timeout client 30m
			  timeout server 30m
			  timeout check 2s
			listen stats
			  mode http
			  bind 127.0.0.1:$HA_STATS
			  stats enable
			  stats uri /
			  stats refresh 5s
			listen pg_write
			  bind 127.0.0.1:$PG_WRITE
			  option httpchk GET /primary
			  http-check expect status 200
			  default-server inter 1s fastinter 500ms fall 2 rise 1 on-marked-down shutdown-sessions
		CFG
		for i in 1 2 3; do echo "  server pg$i 127.0.0.1:$(pg_port $i) check port $(rest_port $i)"; done
		cat <<-CFG
			listen pg_read
			  bind 127.0.0.1:$PG_READ
			  balance leastconn
			  option httpchk GET /replica
			  http-check expect status 200
			  default-server inter 1s fastinter 500ms fall 2 rise 1 on-marked-down shutdown-sessions
		CFG
		for i in 1 2 3; do echo "  server pg$i 127.0.0.1:$(pg_port $i) check port $(rest_port $i)"; done
	} >"$D/haproxy-pg.cfg"
}

# The front: the yiwang nodes, round robin. The check asks /healthz and takes 200 or 503:
# a node that answers is alive, and while the database fails over every node answers 503
# with Retry-After itself (better than HAProxy's own 503 for no server). A connection
# refused (a dead node) is tried once more on another node.
write_haproxy_front_cfg() { # nodes
	{
		cat <<-CFG
			global
			  maxconn 4000
			defaults
			  mode http
			  option http-keep-alive
			  timeout connect 2s
			  timeout client 60s
			  timeout server 60s
			  timeout http-keep-alive 10s
			  timeout check 2s
			frontend front
			  bind 127.0.0.1:$FRONT
			  # the client's address for the nodes (serve --trusted-proxy 127.0.0.1/32):
			  # HAProxy adds its own X-Forwarded-For line after whatever the client sent
			  option forwardfor
			  default_backend yiwang
			backend yiwang
			  balance roundrobin
			  option httpchk GET /healthz
			  http-check expect rstatus ^(200|503)$
			  option redispatch
			  retries 2
			  retry-on conn-failure
			  # (a node takes at most 256 connections from one address, --per-ip-connections,
			  # and every connection from the front comes from its address: queue here instead)
			  default-server inter 1s fastinter 300ms fall 2 rise 2 maxconn 200
		CFG
		for i in $(seq 1 "$1"); do echo "  server n$i 127.0.0.1:$(node_port $i) check"; done
	} >"$D/haproxy-front.cfg"
}

write_pgbouncer_ini() {
	cat >"$D/pgbouncer.ini" <<-INI
		[databases]
		$DB_NAME = host=127.0.0.1 port=$PG_WRITE dbname=$DB_NAME user=postgres
		[pgbouncer]
		listen_addr = 127.0.0.1
		listen_port = $BOUNCER
		unix_socket_dir =
		auth_type = any
		pool_mode = transaction
		default_pool_size = 20
		max_client_conn = 1000
		server_reset_query =
		ignore_startup_parameters = extra_float_digits,options
		logfile = $D/pgbouncer.log
	INI
}

# The demo: built with `yiwang demo` straight into the cluster (its bulk load without
# waiting for the standby: synchronous_commit=off for that session only), then kept as a
# pg_dump; later runs restore the dump, which takes seconds, and the node migrates it to
# the binary's schema at start. The dump is built again when the demo's sources or the
# migrations change (or the binary, when it is not this tree's), and each day (the demo's
# dates are relative to today).
load_demo() {
	local cache=${YIWANG_CLUSTER_CACHE:-$CLUSTER_ROOT/build/cluster}
	local sum dump leader url
	# (straight to the leader, not through HAProxy: one hop less on each of the demo's
	# many round trips)
	leader=$(leader_name)
	url="postgresql://postgres@127.0.0.1:$(pg_port "${leader#pg}")/$DB_NAME"
	if [ "$YIWANG_BIN" = "$CLUSTER_ROOT/build/yiwang" ] && [ -d "$CLUSTER_ROOT/src/demo" ]; then
		sum=$(cat "$CLUSTER_ROOT"/src/demo/* "$CLUSTER_ROOT"/src/store/migrations/* | sha256sum | cut -c1-16)
	else
		sum=$(sha256sum "$YIWANG_BIN" | cut -c1-16)
	fi
	dump="$cache/demo-$sum-$(date +%F).dump"
	mkdir -p "$cache"
	psql -q -X -v ON_ERROR_STOP=1 "postgresql://postgres@127.0.0.1:$PG_WRITE/postgres" \
		-c "DROP DATABASE IF EXISTS $DB_NAME" -c "CREATE DATABASE $DB_NAME" >/dev/null
	if [ -f "$dump" ]; then
		say "  restoring $dump"
		pg_restore --no-owner --exit-on-error --single-transaction -d "$url" "$dump" ||
			die "pg_restore of $dump failed"
		return
	fi
	say "  building it (once for this binary; a few minutes on PostgreSQL)"
	rm -f "$cache"/demo-*.dump
	"$YIWANG_BIN" demo --db "$url?options=-c%20synchronous_commit%3Doff" --password yiwang-demo \
		>"$D/demo.log" 2>&1 || die "yiwang demo failed (see $D/demo.log)"
	pg_dump -Fc -f "$dump.tmp" "$url" && mv "$dump.tmp" "$dump"
}

# A yiwang node under a supervisor that restarts it when it dies (as systemd's
# Restart=always does on real machines); HAProxy routes around it meanwhile. The front
# (127.0.0.1) is trusted to name the client in X-Forwarded-For, so the per-address limits
# (--login-rate, --citizen-rate, Open311 without a key) count each client, not the front.
start_node() { # i
	local i=$1
	spawn "$D/run/node$i.pid" "$D/node/n$i.log" "$CLUSTER_ROOT/deploy/cluster/supervise.sh" \
		"$D/run/node$i.child" \
		"$YIWANG_BIN" serve --db "${NODE_DB:-$DB_URL}" --listen "127.0.0.1:$(node_port "$i")" \
		--metrics-listen "127.0.0.1:$(metrics_port "$i")" --data-dir "$D/files" \
		--access-log off --threads "${YIWANG_CLUSTER_THREADS:-8}" --trusted-proxy 127.0.0.1/32 \
		${NODE_POOLER:+--pg-pooler "$NODE_POOLER"} ${YIWANG_NODE_ARGS:-}
}
