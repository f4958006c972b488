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

echo
echo "== done; stopping mesh-service"
