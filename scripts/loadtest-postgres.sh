#!/usr/bin/env bash
# Load test of mesh-service on PostgreSQL (docs/scaling.md, BENCHMARKS.md):
# starts a throwaway PostgreSQL cluster (.ci/services.d/postgres.sh), builds
# mesh-service, and runs service/store/postgres/loadtest twice:
#
#   1. the embedded store, one node, for comparison;
#   2. PostgreSQL, 2 nodes, 100 clients, 10,000 Transact requests; node 1
#      is killed (SIGKILL) after 40% and restarted, the database is
#      restarted after 70%; the test then checks that every acknowledged
#      entry is stored at its index, none twice, with contiguous indexes.
#
# Each run prints its throughput and p50/p99 latency. Extra arguments go
# to both runs (e.g. -transactions 2000 -clients 50).
# Usage: scripts/loadtest-postgres.sh [loadtest flags]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/usr/local/go/bin:$PATH

tmp=$(mktemp -d)
# shellcheck source=../.ci/services.d/postgres.sh
source .ci/services.d/postgres.sh # stops the cluster on exit
trap 'mesh_postgres_stop; rm -rf "$tmp"' EXIT
# The test restarts the database through these.
export mesh_postgres_bin mesh_postgres_port MESH_POSTGRES_DIR
export -f mesh_postgres_as mesh_postgres_start mesh_postgres_restart

go build -o "$tmp/mesh-service" ./cmd/mesh-service
go test -c -o "$tmp/loadtest.test" ./service/store/postgres/loadtest

echo "== embedded store, 1 node"
"$tmp/loadtest.test" -test.run '^TestLoad$' -test.count=1 \
	-loadtest -bin "$tmp/mesh-service" -nodes 1 -kill-at 0 "$@"

echo "== PostgreSQL store, 2 nodes, node 1 killed at 40%, database restarted at 70%"
"$tmp/loadtest.test" -test.run '^TestLoad$' -test.count=1 \
	-loadtest -bin "$tmp/mesh-service" -store "$MESH_TEST_POSTGRES" -nodes 2 \
	-kill-at 0.4 -restart-db mesh_postgres_restart -restart-at 0.7 "$@"
