#!/bin/sh
# demo.sh: the architecture draft §4.1 story, run visibly (`make demo`).
#
#   scripts/demo.sh
#
# Builds meshman and mesh-service, starts mesh-service on a loopback port
# with a temporary data directory, and, as Alice with a temporary MESH_HOME:
# creates alice@example.com (§4.1), encrypts and decrypts a file with the
# account's keys (§4.1.1), stores and retrieves passwords (§4.1.2), and shows
# the account's status and a sync; then connects a second device by its
# witness, decrypts on it, and deletes it (§4.2, §4.2.1). Every command is echoed before it runs.
# The service is stopped and the temporary directories removed on exit.
# DEMO_PORT chooses the port (default 15099, the reference's).
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PORT=${DEMO_PORT:-15099}
TMP=$(mktemp -d)
SERVICE_PID=
cleanup() {
	if [ -n "$SERVICE_PID" ]; then
		kill -TERM "$SERVICE_PID" 2>/dev/null || true
		wait "$SERVICE_PID" 2>/dev/null || true
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

echo "== building meshman and mesh-service"
cd "$ROOT"
mkdir -p bin
go build -trimpath -o bin/meshman ./cmd/meshman
go build -trimpath -o bin/mesh-service ./cmd/mesh-service
PATH=$ROOT/bin:$PATH
export PATH

echo "== starting mesh-service for example.com on 127.0.0.1:$PORT (data in $TMP/service)"
mesh-service --listen "127.0.0.1:$PORT" --data "$TMP/service" --domain example.com 2>"$TMP/service.log" &
SERVICE_PID=$!

MESH_HOME=$TMP/alice
MESH_SERVICE=http://127.0.0.1:$PORT/.well-known/mmm/
export MESH_HOME MESH_SERVICE
echo "   MESH_HOME=$MESH_HOME"
echo "   MESH_SERVICE=$MESH_SERVICE"

# Wait (at most 10 s) until the service answers Hello.
i=0
until meshman account hello alice@example.com >/dev/null 2>&1; do
	i=$((i + 1))
	if [ "$i" -gt 100 ] || ! kill -0 "$SERVICE_PID" 2>/dev/null; then
		echo "mesh-service did not start:" >&2
		cat "$TMP/service.log" >&2
		exit 1
	fi
	sleep 0.1
done

run() {
	echo
	printf 'Alice> meshman'
	for a in "$@"; do
		case $a in
		*[[:space:]]*) printf " '%s'" "$a" ;;
		*) printf ' %s' "$a" ;;
		esac
	done
	echo
	meshman "$@"
}

cd "$TMP"
echo
echo "== §4.1 Creating a Mesh account"
run account hello alice@example.com
run account create alice@example.com

echo
echo "== §4.1.1 Encrypting and decrypting files"
echo "This is a test" > plaintext.txt
echo
echo "Alice> cat plaintext.txt"
cat plaintext.txt
run dare encode plaintext.txt ciphertext.dare --encrypt alice@example.com
run dare verify ciphertext.dare
run dare decode ciphertext.dare plaintext1.txt
echo
echo "Alice> cat plaintext1.txt"
cat plaintext1.txt

echo
echo "== §4.1.2 Catalogs"
run password add ftp.example.com alice1 password
run password add www.example.com alice@example.com newpassword
run password get ftp.example.com
run password list
run bookmark add https://mathmesh.com/ "The Mathematical Mesh"
run bookmark list

echo
echo "== The account at its service"
run account status
run account sync
run account list

# run2 runs meshman as Alice's second device (its own MESH_HOME).
run2() {
	echo
	printf 'Alice2> meshman'
	for a in "$@"; do printf ' %s' "$a"; done
	echo
	MESH_HOME=$TMP/alice2 meshman "$@"
}

echo
echo "== §4.2 Adding a device (witness), §4.2.1 decrypting on it, and revoking it"
run2 device request alice@example.com | tee request.txt
WITNESS=$(sed -n 's/^   Witness value = //p' request.txt)
DEVICE=$(sed -n 's/^   Device UDF = //p' request.txt)
run message pending
run device accept "$WITNESS" --web
run2 device complete
run2 password get ftp.example.com
run2 dare decode ciphertext.dare plaintext2.txt
echo
echo "Alice2> cat plaintext2.txt"
cat plaintext2.txt
run device list
run device delete "$DEVICE"
echo
echo "(the deleted device is refused, and cannot decrypt what it already holds)"
run2 account sync || true
run2 dare decode ciphertext.dare plaintext3.txt || true
run dare decode ciphertext.dare plaintext4.txt

# SSH with a Mesh key (docs/ssh.md): mesh-agent and its ssh plugin serve the
# account's key on SSH_AUTH_SOCK, and ssh logs in to a private sshd on
# 127.0.0.1 (DEMO_SSH_PORT, default 15022) that trusts only that key.
SSHD=$(command -v sshd || echo /usr/sbin/sshd)
if [ -x "$SSHD" ] && command -v ssh >/dev/null 2>&1 && command -v ssh-keygen >/dev/null 2>&1; then
	echo
	echo "== SSH: logging in to a local sshd with a Mesh key through mesh-agent"
	SSH_PORT=${DEMO_SSH_PORT:-15022}
	(cd "$ROOT" && go build -trimpath -o bin/mesh-agent ./cmd/mesh-agent && go build -trimpath -o bin/mesh-plugin-ssh ./plugins/ssh)
	XDG_RUNTIME_DIR=$TMP/run
	XDG_CONFIG_HOME=$TMP/config
	export XDG_RUNTIME_DIR XDG_CONFIG_HOME
	mkdir -p "$XDG_RUNTIME_DIR" "$XDG_CONFIG_HOME/mesh" "$TMP/sshd"
	chmod 700 "$XDG_RUNTIME_DIR" "$TMP/sshd"
	cat >"$XDG_CONFIG_HOME/mesh/plugins.hcl" <<HCL
plugin "ssh" {
  command   = "$ROOT/bin/mesh-plugin-ssh"
  sha256    = "$(sha256sum "$ROOT/bin/mesh-plugin-ssh" | cut -d' ' -f1)"
  endpoints = ["ssh-agent"]
  enabled   = true
}
HCL
	SSHD_PID=
	cleanup_ssh() {
		meshman agent stop >/dev/null 2>&1 || true
		if [ -n "$SSHD_PID" ]; then
			kill "$SSHD_PID" 2>/dev/null || true
			wait "$SSHD_PID" 2>/dev/null || true
		fi
	}
	trap 'cleanup_ssh; cleanup' EXIT

	run ssh create --id demo --admin | tee "$TMP/sshd/create.txt"
	grep '^ssh-ed25519 ' "$TMP/sshd/create.txt" >"$TMP/sshd/authorized_keys"
	ssh-keygen -q -t ed25519 -N '' -C demo-host -f "$TMP/sshd/host_ed25519"
	cat >"$TMP/sshd/sshd_config" <<CONF
ListenAddress 127.0.0.1
Port $SSH_PORT
HostKey $TMP/sshd/host_ed25519
PidFile $TMP/sshd/sshd.pid
AuthorizedKeysFile $TMP/sshd/authorized_keys
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin prohibit-password
AllowUsers $(id -un)
CONF
	if [ "$(id -u)" -eq 0 ]; then mkdir -p /run/sshd; fi
	"$SSHD" -D -f "$TMP/sshd/sshd_config" -E "$TMP/sshd/sshd.log" &
	SSHD_PID=$!
	run agent start
	run agent env
	eval "$(meshman agent env)"
	demo_ssh() {
		echo
		echo "Alice> ssh -p $SSH_PORT $(id -un)@127.0.0.1 'echo ...'"
		ssh -F /dev/null -p "$SSH_PORT" -o IdentityAgent="$SSH_AUTH_SOCK" -o IdentityFile=none \
			-o StrictHostKeyChecking=no -o UserKnownHostsFile="$TMP/sshd/known_hosts" -o BatchMode=yes \
			-o LogLevel=ERROR -o ConnectTimeout=5 "$(id -un)@127.0.0.1" \
			'echo "logged in as $(id -un) with the Mesh key"'
	}
	i=0
	until ssh-add -l 2>/dev/null | grep -q demo; do
		i=$((i + 1))
		if [ "$i" -gt 50 ]; then echo "mesh-agent serves no key" >&2; run agent status; exit 1; fi
		sleep 0.1
	done
	echo
	echo "Alice> ssh-add -l"
	ssh-add -l
	demo_ssh
	run ssh delete demo
	sleep 2
	echo "(the key is deleted from the account: the agent no longer offers it)"
	demo_ssh || echo "login refused, as it should be"
	run agent stop
else
	echo
	echo "== SSH: skipped (install openssh-server and openssh-client to see the login)"
fi

echo
echo "== done; stopping mesh-service"
