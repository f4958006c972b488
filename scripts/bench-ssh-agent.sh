#!/usr/bin/env bash
# bench-ssh-agent.sh: Ed25519 sign round trip and identity listing through
# SSH_AUTH_SOCK, OpenSSH's ssh-agent against mesh-plugin-ssh, in the same
# run on the same machine (the agent/SSH issue's performance target: our
# sign p50 at most 0.5x OpenSSH's, list p50 no slower).
#
# Our side is the shipped path of plugins.md §2.4: the real plugin binary
# started through go-plugin (AutoMTLS, checksum), the endpoint socket
# inherited, each signature made by the agent side through the key channel.
#
# Usage: scripts/bench-ssh-agent.sh [N]   (default N=3000 operations each)
#
# With MESH_BENCH_SOCK set (e.g. eval "$(meshman agent env)";
# MESH_BENCH_SOCK=$SSH_AUTH_SOCK), our side is that socket instead: a running
# mesh-agent serving an account's SSH key, the whole shipped path.
set -euo pipefail
N=${1:-3000}
cd "$(dirname "$0")/.."
for p in ssh-agent ssh-add ssh-keygen; do
	command -v "$p" >/dev/null || { echo "bench-ssh-agent: $p not found (apt-get install openssh-client)" >&2; exit 1; }
done
tmp=$(mktemp -d /tmp/msshbench.XXXXXX)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

go build -o "$tmp/mesh-plugin-ssh" ./plugins/ssh
go build -o "$tmp/benchcmd" ./plugins/ssh/sshplugin/benchcmd

# OpenSSH's agent with one Ed25519 key.
ssh-agent -D -a "$tmp/openssh.sock" >/dev/null 2>&1 &
pids+=($!)
ssh-keygen -q -t ed25519 -N '' -C bench -f "$tmp/id_ed25519"
for _ in $(seq 50); do [ -S "$tmp/openssh.sock" ] && break; sleep 0.1; done
SSH_AUTH_SOCK="$tmp/openssh.sock" ssh-add -q "$tmp/id_ed25519"

mesh_sock=${MESH_BENCH_SOCK:-}
mesh_name="mesh-agent"
if [ -z "$mesh_sock" ]; then
	# Ours: the plugin under a stand-in agent holding one Ed25519 key.
	mesh_sock="$tmp/mesh.sock"
	mesh_name="mesh-plugin-ssh"
	mkfifo "$tmp/hold"
	"$tmp/benchcmd" serve -plugin "$tmp/mesh-plugin-ssh" -sock "$mesh_sock" <"$tmp/hold" >"$tmp/serve.out" 2>"$tmp/serve.err" &
	pids+=($!)
	exec 9>"$tmp/hold"
	for _ in $(seq 100); do grep -q ready "$tmp/serve.out" 2>/dev/null && break; sleep 0.1; done
	grep -q ready "$tmp/serve.out" || { cat "$tmp/serve.err" >&2; exit 1; }
fi

# Alternate the two agents three times so both see the same machine load.
for round in 1 2 3; do
	"$tmp/benchcmd" measure -sock "$tmp/openssh.sock" -n "$N" >>"$tmp/openssh.json"
	"$tmp/benchcmd" measure -sock "$mesh_sock" -n "$N" >>"$tmp/mesh.json"
done
[ -n "${MESH_BENCH_SOCK:-}" ] || exec 9>&-

python3 - "$tmp/openssh.json" "$tmp/mesh.json" "$mesh_name" <<'PY'
import json, sys, statistics
def load(p): return [json.loads(l) for l in open(p)]
o, m = load(sys.argv[1]), load(sys.argv[2])
def med(rs, k): return statistics.median(r[k] for r in rs)
print(f"{'agent':<22}{'sign p50':>10}{'sign p99':>10}{'list p50':>10}   (ms, median of {len(o)} rounds of {o[0]['n']} ops)")
for name, rs in (("OpenSSH ssh-agent", o), (sys.argv[3], m)):
    print(f"{name:<22}{med(rs,'sign_p50_ms'):>10.3f}{med(rs,'sign_p99_ms'):>10.3f}{med(rs,'list_p50_ms'):>10.3f}")
sr = med(m,'sign_p50_ms') / med(o,'sign_p50_ms')
lr = med(m,'list_p50_ms') / med(o,'list_p50_ms')
print(f"sign p50 ratio {sr:.2f} (target <= 0.50): {'ok' if sr <= 0.5 else 'MISSED'}")
print(f"list p50 ratio {lr:.2f} (target <= 1.00): {'ok' if lr <= 1.0 else 'MISSED'}")
PY
