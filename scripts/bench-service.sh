#!/bin/sh
# Load benchmark of mesh-service (BENCHMARKS.md): builds the binary, starts
# it on loopback and runs 50 concurrent authenticated clients (connected
# devices), first Status then Transact, printing throughput and p50/p99.
# Usage: scripts/bench-service.sh [-clients N] [-duration 5s]
set -eu
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/mesh-service" ./cmd/mesh-service
go test -count=1 -v -run '^TestLoad$' ./service/loadtest -args -loadtest -bin "$tmp/mesh-service" "$@"
