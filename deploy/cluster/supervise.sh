#!/usr/bin/env bash
# Keeps one yiwang node running, as systemd's Restart=always does on real machines:
#   supervise.sh CHILD-PIDFILE COMMAND...
# writes the running node's pid to CHILD-PIDFILE (ctl.sh kill-node sends it SIGKILL) and
# starts it again 0.5 s after it dies. SIGTERM stops the node and the supervisor.
set -u
pidfile=$1
shift
child=
stopping=
trap 'stopping=1; [ -n "$child" ] && kill -TERM "$child" 2>/dev/null' TERM INT
while [ -z "$stopping" ]; do
	"$@" &
	child=$!
	echo "$child" >"$pidfile"
	wait "$child"
	rc=$?
	# (a trapped signal returns from wait early: wait again for the node itself)
	while kill -0 "$child" 2>/dev/null; do wait "$child"; rc=$?; done
	[ -n "$stopping" ] && break
	echo "supervise: $(date -u +%FT%T.%3NZ) node exited (status $rc); starting it again" >&2
	sleep 0.5
done
rm -f "$pidfile"
