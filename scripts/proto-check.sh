#!/bin/sh
# proto-check.sh: regenerate the plugin contract's Go code from sdk/proto and fail
# when the committed *.pb.go files differ (docs/sdk.md, "Regenerating").
#
#   scripts/proto-check.sh          regenerate in a temporary directory and compare
#   scripts/proto-check.sh -w       regenerate in place (after editing a .proto file)
#
# Needs protoc (Debian: protobuf-compiler 3.21.12) and the generator versions
# pinned by the `tool` directives in go.mod (protoc-gen-go, protoc-gen-go-grpc).
set -eu

cd "$(dirname "$0")/.."
root=sdk/proto
pkg=mesh/plugin/v1

command -v protoc >/dev/null 2>&1 || {
	echo "proto-check: protoc not found (apt-get install protobuf-compiler)" >&2
	exit 1
}
gen_go=$(go tool -n protoc-gen-go)
gen_grpc=$(go tool -n protoc-gen-go-grpc)

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT INT TERM

protoc -I "$root" \
	--plugin=protoc-gen-go="$gen_go" --plugin=protoc-gen-go-grpc="$gen_grpc" \
	--go_out="$out" --go_opt=paths=source_relative \
	--go-grpc_out="$out" --go-grpc_opt=paths=source_relative \
	"$root/$pkg"/*.proto

if [ "${1:-}" = "-w" ]; then
	rm -f "$root/$pkg"/*.pb.go
	cp "$out/$pkg"/*.pb.go "$root/$pkg/"
	echo "proto-check: regenerated $root/$pkg"
	exit 0
fi

status=0
for f in "$out/$pkg"/*.pb.go; do
	name=$(basename "$f")
	if ! cmp -s "$f" "$root/$pkg/$name"; then
		echo "proto-check: $root/$pkg/$name differs from regenerated code:" >&2
		diff -u "$root/$pkg/$name" "$f" >&2 || true
		status=1
	fi
done
for f in "$root/$pkg"/*.pb.go; do
	name=$(basename "$f")
	if [ ! -f "$out/$pkg/$name" ]; then
		echo "proto-check: $root/$pkg/$name has no .proto source" >&2
		status=1
	fi
done
[ "$status" -eq 0 ] && echo "proto-check: generated code is up to date"
exit "$status"
