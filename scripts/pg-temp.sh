#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for tests.
#
#   scripts/pg-temp.sh start DIR     new cluster in DIR; prints its admin URI on stdout
#   scripts/pg-temp.sh stop DIR      stops it and removes DIR
#   scripts/pg-temp.sh restart DIR   restarts it on the same port (tests of reconnection)
#   scripts/pg-temp.sh url DIR       prints the admin URI again
#
# The cluster trusts every connection, so it listens on 127.0.0.1 and its own socket
# directory only. Durability settings stay at their defaults (fsync on): tests that pass
# here must mean what they say about committed data.
set -euo pipefail

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
FIRST_PORT=55432
LAST_PORT=55631

die() {
	echo "pg-temp: $*" >&2
	exit 1
}

# initdb and postgres refuse to run as root; as root, run them as the postgres user.
as_pg() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

port_free() {
	[ -z "$(ss -Htln "sport = :$1" 2>/dev/null)" ] &&
		! pg_isready -q -h 127.0.0.1 -p "$1" -t 1 >/dev/null 2>&1
}

url() {
	echo "postgresql://postgres@127.0.0.1:$(cat "$DIR/port")/postgres"
}

stop() {
	if [ -f "$DIR/data/postmaster.pid" ]; then
		as_pg "$PGBIN/pg_ctl" -D "$DIR/data" stop -m fast -w -t 60 >/dev/null 2>&1 ||
			as_pg "$PGBIN/pg_ctl" -D "$DIR/data" stop -m immediate -w -t 30 >/dev/null 2>&1 ||
			true
	fi
}

start() {
	# A cluster left behind by an interrupted run would hold its port and files.
	if [ -e "$DIR" ]; then
		stop
		rm -rf "$DIR"
	fi
	mkdir -p "$DIR"
	DIR=$(cd "$DIR" && pwd)
	if [ "$(id -u)" -eq 0 ]; then
		chown postgres:postgres "$DIR"
	fi
	as_pg test -w "$DIR" || die "$DIR is not writable by $(as_pg id -un) (its parents must be searchable)"

	as_pg "$PGBIN/initdb" -D "$DIR/data" -A trust -U postgres --locale=C.UTF-8 -E UTF8 \
		--no-instructions >"$DIR/initdb.log" 2>&1 ||
		die "initdb failed, see $DIR/initdb.log"
	as_pg mkdir -p "$DIR/sock"
	as_pg tee "$DIR/data/pg_hba.conf" >/dev/null <<-EOF
		local all all trust
		host all all 127.0.0.1/32 trust
	EOF

	# Another process may take a port between the check and the bind: try the next one.
	local port
	for ((port = FIRST_PORT; port <= LAST_PORT; port++)); do
		port_free "$port" || continue
		as_pg tee "$DIR/data/postgresql.auto.conf" >/dev/null <<-EOF
			listen_addresses = '127.0.0.1'
			port = $port
			unix_socket_directories = '$DIR/sock'
			max_connections = 200
			synchronous_commit = on
			fsync = on
		EOF
		if as_pg "$PGBIN/pg_ctl" -D "$DIR/data" -l "$DIR/postgres.log" -w -t 60 start \
			>/dev/null 2>&1; then
			echo "$port" | as_pg tee "$DIR/port" >/dev/null
			pg_isready -q -h 127.0.0.1 -p "$port" -t 30 || die "server on port $port not ready"
			url
			return 0
		fi
		grep -q "could not bind\|could not create listen socket" "$DIR/postgres.log" 2>/dev/null ||
			die "server did not start, see $DIR/postgres.log"
	done
	die "no free port in $FIRST_PORT-$LAST_PORT"
}

restart() {
	[ -f "$DIR/port" ] || die "no cluster in $DIR"
	as_pg "$PGBIN/pg_ctl" -D "$DIR/data" -l "$DIR/postgres.log" -w -t 60 restart -m fast \
		>/dev/null 2>&1 || die "restart failed, see $DIR/postgres.log"
	pg_isready -q -h 127.0.0.1 -p "$(cat "$DIR/port")" -t 30 || die "server not ready after restart"
}

cmd=${1:-}
DIR=${2:-}
if [ -z "$cmd" ] || [ -z "$DIR" ]; then
	die "usage: $0 start|stop|restart|url DIR"
fi
[ -x "$PGBIN/initdb" ] || die "PostgreSQL 15 not found in $PGBIN (scripts/install-deps.sh)"
case "$cmd" in
start) start ;;
stop)
	stop
	rm -rf "$DIR"
	;;
restart) restart ;;
url)
	[ -f "$DIR/port" ] || die "no cluster in $DIR"
	url
	;;
*) die "unknown command $cmd" ;;
esac
