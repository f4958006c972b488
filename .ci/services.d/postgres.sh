# Throwaway PostgreSQL cluster for the tests of service/store/postgres and
# scripts/loadtest-postgres.sh. Sourced (bash) by .ci/run before the tests,
# and by scripts/loadtest-postgres.sh; it can also be sourced by hand:
#
#	. .ci/services.d/postgres.sh   # starts the cluster, exports the URL
#	mesh_postgres_stop             # stops it and removes its directory
#
# It initialises a cluster in a temporary directory (as the postgres user
# when run as root: PostgreSQL refuses to run as root), starts it with
# pg_ctl on 127.0.0.1 and a free port with its socket in that directory,
# creates the database mesh_test and exports
#
#	MESH_TEST_POSTGRES       postgres://mesh@127.0.0.1:PORT/mesh_test?sslmode=disable
#	MESH_POSTGRES_DIR        the cluster's temporary directory
#
# and the functions mesh_postgres_stop and mesh_postgres_restart. The
# cluster is stopped when the sourcing shell exits (chained EXIT trap).
# Any failure is fatal: a missing database must fail CI, not skip tests.

mesh_postgres_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$mesh_postgres_bin" ] || [ ! -x "$mesh_postgres_bin/initdb" ]; then
	echo "postgres.sh: no PostgreSQL server under /usr/lib/postgresql/*/bin (install the postgresql package)" >&2
	return 1 2>/dev/null || exit 1
fi

# mesh_postgres_as runs a command as the cluster's owner.
mesh_postgres_as() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

# mesh_postgres_free_port prints a loopback TCP port nobody listens on.
mesh_postgres_free_port() {
	local port
	for port in $(seq 54329 54429); do
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			echo "$port"
			return 0
		fi
	done
	echo "postgres.sh: no free port in 54329-54429" >&2
	return 1
}

MESH_POSTGRES_DIR=$(mktemp -d /tmp/mesh-postgres.XXXXXX)
chmod 0755 "$MESH_POSTGRES_DIR"
if [ "$(id -u)" -eq 0 ]; then
	chown postgres: "$MESH_POSTGRES_DIR"
fi
mesh_postgres_port=$(mesh_postgres_free_port)
mesh_postgres_as "$mesh_postgres_bin/initdb" -D "$MESH_POSTGRES_DIR/data" -U mesh -A trust \
	-E UTF8 --locale=C.UTF-8 >"$MESH_POSTGRES_DIR/initdb.log" 2>&1 || {
	cat "$MESH_POSTGRES_DIR/initdb.log" >&2
	echo "postgres.sh: initdb failed" >&2
	return 1 2>/dev/null || exit 1
}

# mesh_postgres_start starts (or restarts after a stop) the cluster and
# waits until it accepts connections.
mesh_postgres_start() {
	mesh_postgres_as "$mesh_postgres_bin/pg_ctl" -D "$MESH_POSTGRES_DIR/data" \
		-l "$MESH_POSTGRES_DIR/server.log" -w -t 60 \
		-o "-c listen_addresses=127.0.0.1 -p $mesh_postgres_port -k $MESH_POSTGRES_DIR -c max_connections=200" \
		start >/dev/null
}

# mesh_postgres_stop stops the cluster and removes its directory.
mesh_postgres_stop() {
	[ -n "${MESH_POSTGRES_DIR:-}" ] && [ -d "$MESH_POSTGRES_DIR" ] || return 0
	mesh_postgres_as "$mesh_postgres_bin/pg_ctl" -D "$MESH_POSTGRES_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
	rm -rf "$MESH_POSTGRES_DIR"
	unset MESH_POSTGRES_DIR MESH_TEST_POSTGRES
}

# mesh_postgres_restart restarts the server (fast shutdown: every client
# connection is dropped), as a database restart in production would.
mesh_postgres_restart() {
	mesh_postgres_as "$mesh_postgres_bin/pg_ctl" -D "$MESH_POSTGRES_DIR/data" -m fast -w stop >/dev/null
	mesh_postgres_start
}

if ! mesh_postgres_start; then
	cat "$MESH_POSTGRES_DIR/server.log" >&2
	echo "postgres.sh: pg_ctl start failed" >&2
	return 1 2>/dev/null || exit 1
fi
mesh_postgres_prev_trap=$(trap -p EXIT | sed -E "s/^trap -- '(.*)' EXIT\$/\\1/")
# shellcheck disable=SC2064 # expand now: chain the trap that was there.
trap "mesh_postgres_stop${mesh_postgres_prev_trap:+; $mesh_postgres_prev_trap}" EXIT

"$mesh_postgres_bin/createdb" -h 127.0.0.1 -p "$mesh_postgres_port" -U mesh mesh_test
export MESH_POSTGRES_DIR
export MESH_TEST_POSTGRES="postgres://mesh@127.0.0.1:$mesh_postgres_port/mesh_test?sslmode=disable"
echo "postgres.sh: PostgreSQL $("$mesh_postgres_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$mesh_postgres_port (MESH_TEST_POSTGRES)"
