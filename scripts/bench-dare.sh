#!/bin/sh
# bench-dare.sh: DARE envelope throughput and peak memory, side by side with
# age and gpg on the same file in the same run (docs/dare.md "Performance").
#
#   scripts/bench-dare.sh [SIZE_MIB]     (default 1024)
#
# Builds bin/meshman, makes a SIZE_MIB random file in a temporary directory,
# reads it once to warm the page cache, then times (with /usr/bin/time -v):
#   meshman dare encode --encrypt (X25519)  vs  age -r
#   meshman dare decode                     vs  age -d
#   gpg --encrypt (Curve25519 key, no compression)
# and prints MB/s (10^6 bytes per second of plaintext) and peak RSS. The
# machine load average is printed first: other jobs skew the numbers.
set -eu

SIZE_MIB=${1:-1024}
ROOT=$(cd "$(dirname "$0")/.." && pwd)

need() { command -v "$1" >/dev/null 2>&1; }
if ! need age || ! [ -x /usr/bin/time ]; then
	echo "installing age and time (apt-get)" >&2
	apt-get install -y age time >/dev/null
fi

cd "$ROOT"
go build -o bin/meshman ./cmd/meshman
MESHMAN=$ROOT/bin/meshman

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM
cd "$TMP"

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)  cores: $(nproc)"
echo "making a ${SIZE_MIB} MiB file"
head -c $((SIZE_MIB * 1024 * 1024)) /dev/urandom > in.bin
BYTES=$(stat -c %s in.bin)
cat in.bin > /dev/null

"$MESHMAN" key create --alg x25519 --out mesh.key >/dev/null
age-keygen -o age.key 2>/dev/null
AGE_RCPT=$(age-keygen -y age.key)
export GNUPGHOME="$TMP/gnupg"
mkdir -m 700 "$GNUPGHOME"
gpg --batch --quiet --passphrase '' --quick-gen-key bench@example.com cv25519 encr never 2>/dev/null ||
	gpg --batch --quiet --passphrase '' --quick-gen-key bench@example.com future-default default never 2>/dev/null

# run NAME OUTPUT COMMAND...: time one command, print MB/s and peak RSS.
run() {
	name=$1
	out=$2
	shift 2
	rm -f "$out"
	sync
	/usr/bin/time -v -o time.txt "$@"
	secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' time.txt)
	rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' time.txt)
	cpu=$(awk -F': ' '/Percent of CPU/ {print $2}' time.txt)
	awk -v n="$name" -v b="$BYTES" -v s="$secs" -v r="$rss" -v c="$cpu" 'BEGIN {
		printf "%-28s %8.2f s %9.1f MB/s  peak RSS %7.1f MiB  CPU %s\n", n, s, (s > 0 ? b / s / 1e6 : 0), r / 1024, c }'
}

run "meshman dare encode" mesh.dare "$MESHMAN" dare encode in.bin mesh.dare --encrypt mesh.key.pub
run "age -r" in.age age -r "$AGE_RCPT" -o in.age in.bin
run "gpg --encrypt" in.gpg gpg --batch --quiet --trust-model always --compress-algo none -r bench@example.com -o in.gpg --encrypt in.bin
run "meshman dare decode" mesh.out "$MESHMAN" dare decode mesh.dare mesh.out --identity mesh.key
run "age -d" age.out age -d -i age.key -o age.out in.age
cmp in.bin mesh.out
cmp in.bin age.out
echo "outputs verified; load average now: $(cut -d' ' -f1-3 /proc/loadavg)"
