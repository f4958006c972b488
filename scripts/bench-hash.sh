#!/usr/bin/env bash
# Compares `meshman hash udf` with coreutils sha512sum on the same file in
# the same run: throughput (best of N runs, file in the page cache) and peak
# resident memory. Usage: scripts/bench-hash.sh [SIZE_MIB] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
size_mib=${1:-1024}
runs=${2:-5}
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time; }
go build -trimpath -o bin/meshman ./cmd/meshman
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
f="$dir/data.bin"
head -c $((size_mib << 20)) /dev/urandom > "$f"
cat "$f" > /dev/null   # warm the page cache

best() { # best wall time in seconds over $runs runs of "$@"
  local b=999999 t
  for _ in $(seq "$runs"); do
    t=$( { /usr/bin/time -f '%e %M' "$@" >/dev/null; } 2>&1 | tail -1 | awk '{print $1}')
    b=$(awk -v a="$b" -v c="$t" 'BEGIN{print (c<a)?c:a}')
  done
  echo "$b"
}
rss() { { /usr/bin/time -f '%M' "$@" >/dev/null; } 2>&1 | tail -1; }

t_sum=$(best sha512sum "$f")
t_mesh=$(best bin/meshman hash udf --cty application/octet-stream "$f")
r_sum=$(rss sha512sum "$f")
r_mesh=$(rss bin/meshman hash udf --cty application/octet-stream "$f")
mbps() { awk -v s="$size_mib" -v t="$1" 'BEGIN{ if (t<=0) t=0.001; printf "%.0f", s*1.048576/t }'; }
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(go version | awk '{print $3}')"
echo "file: ${size_mib} MiB random, cached; best of $runs runs"
printf '%-28s %8s s %6s MB/s  peak RSS %6s KiB\n' "sha512sum" "$t_sum" "$(mbps "$t_sum")" "$r_sum"
printf '%-28s %8s s %6s MB/s  peak RSS %6s KiB\n' "meshman hash udf" "$t_mesh" "$(mbps "$t_mesh")" "$r_mesh"
awk -v a="$t_sum" -v b="$t_mesh" 'BEGIN{ printf "ratio meshman/sha512sum throughput: %.3f\n", a/b }'
