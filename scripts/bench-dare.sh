#!/bin/sh
# bench-dare.sh: DARE envelope throughput, CPU time and peak memory, side by
# side with age on the same file in the same run (docs/dare.md
# "Performance").
#
#   scripts/bench-dare.sh [SIZE_MIB] [RUNS]     (defaults 1024 and 3)
#
# Builds bin/meshman (or uses $MESHMAN), makes a SIZE_MIB random file in a
# temporary directory, reads it once to warm the page cache, then RUNS times
# in turn (so that load changes hit both tools alike), with /usr/bin/time -v:
#   meshman dare encode --encrypt (X25519)  vs  age -r
#   meshman dare decode                     vs  age -d
# It prints, per command: wall-clock seconds, MB/s (10^6 bytes of plaintext
# per wall-clock second), CPU seconds per GiB (user + sys, which does not
# depend on how loaded the machine is) and peak RSS. BENCH_GPG=1 adds
# gpg --encrypt once. The machine load average is printed before and after:
# other jobs skew the wall-clock numbers, not the CPU ones.
set -eu

SIZE_MIB=${1:-1024}
RUNS=${2:-3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)

need() { command -v "$1" >/dev/null 2>&1; }
if ! need age || ! [ -x /usr/bin/time ]; then
	echo "installing age and time (apt-get)" >&2
	apt-get install -y age time >/dev/null
fi

if [ -z "${MESHMAN:-}" ]; then
	(cd "$ROOT" && go build -o bin/meshman ./cmd/meshman)
	MESHMAN=$ROOT/bin/meshman
fi

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM
cd "$TMP"

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)  cores: $(nproc)  file system: $(df -T . | awk 'NR==2 {print $2}')"
echo "making a ${SIZE_MIB} MiB file"
head -c $((SIZE_MIB * 1024 * 1024)) /dev/urandom >in.bin
BYTES=$(stat -c %s in.bin)
cat in.bin >/dev/null

"$MESHMAN" key create --alg x25519 --out mesh.key >/dev/null
age-keygen -o age.key 2>/dev/null
AGE_RCPT=$(age-keygen -y age.key)

# run NAME OUTPUT COMMAND...: time one command; print wall s, MB/s, CPU s
# per GiB and peak RSS.
run() {
	name=$1
	out=$2
	shift 2
	rm -f "$out"
	sync
	/usr/bin/time -v -o time.txt "$@"
	awk -F': ' -v n="$name" -v b="$BYTES" '
		/Elapsed \(wall clock\)/ { k = split($2, a, ":"); s = 0; for (i = 1; i <= k; i++) s = s * 60 + a[i] }
		/User time/ { u = $2 }
		/System time/ { y = $2 }
		/Maximum resident set size/ { r = $2 }
		END { printf "%-22s %7.2f s %7.1f MB/s  CPU %5.2f s/GiB (user %.2f + sys %.2f)  peak RSS %6.1f MiB\n",
			n, s, (s > 0 ? b / s / 1e6 : 0), (u + y) * 1073741824 / b, u, y, r / 1024 }' time.txt
}

i=1
while [ "$i" -le "$RUNS" ]; do
	echo "run $i of $RUNS (load average $(cut -d' ' -f1 /proc/loadavg))"
	run "meshman dare encode" mesh.dare "$MESHMAN" dare encode in.bin mesh.dare --encrypt mesh.key.pub
	run "age -r" in.age age -r "$AGE_RCPT" -o in.age in.bin
	run "meshman dare decode" mesh.out "$MESHMAN" dare decode mesh.dare mesh.out --identity mesh.key
	run "age -d" age.out age -d -i age.key -o age.out in.age
	cmp in.bin mesh.out
	cmp in.bin age.out
	rm -f mesh.out age.out
	i=$((i + 1))
done

if [ "${BENCH_GPG:-0}" = 1 ]; then
	export GNUPGHOME="$TMP/gnupg"
	mkdir -m 700 "$GNUPGHOME"
	gpg --batch --quiet --passphrase '' --quick-gen-key bench@example.com cv25519 encr never 2>/dev/null ||
		gpg --batch --quiet --passphrase '' --quick-gen-key bench@example.com future-default default never 2>/dev/null
	run "gpg --encrypt" in.gpg gpg --batch --quiet --trust-model always --compress-algo none -r bench@example.com -o in.gpg --encrypt in.bin
fi
echo "outputs verified; load average now: $(cut -d' ' -f1-3 /proc/loadavg)"
