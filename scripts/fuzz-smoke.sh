#!/usr/bin/env bash
# Runs every fuzz target of the module briefly (FUZZTIME each, default 5s).
# A target that finds a crasher fails the run; the crasher is left in the
# package's testdata/fuzz directory to become a regression test.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-5s}
status=0
count=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
run_target() {
  go test -run '^$' -fuzz "^${2}\$" -fuzztime "$fuzztime" "$1" >"$log" 2>&1
}
while IFS= read -r file; do
  pkg="./$(dirname "$file")"
  for target in $(grep -oE '^func (Fuzz[A-Za-z0-9_]+)' "$file" | awk '{print $2}'); do
    count=$((count+1))
    echo "fuzz-smoke: $pkg $target ($fuzztime)"
    # go test -fuzz sometimes ends a run with "context deadline exceeded"
    # when the time limit falls while its coordinator is still busy (for
    # example minimising a new input); that is no crasher, so such a run is
    # tried again, up to three times in all. A real failure writes a failing
    # input under testdata/fuzz and fails at once.
    ok=0
    for attempt in 1 2 3; do
      if run_target "$pkg" "$target"; then ok=1; break; fi
      if ! grep -q 'context deadline exceeded' "$log" || grep -q 'Failing input written' "$log"; then break; fi
      echo "fuzz-smoke: $pkg $target stopped at its deadline without a crasher (attempt $attempt)"
    done
    if [ "$ok" = 0 ]; then
      cat "$log"
      status=1
    fi
  done
done < <(git ls-files --cached --others --exclude-standard '*_test.go' | xargs grep -l '^func Fuzz' | sort)
echo "fuzz-smoke: $count targets, $([ $status = 0 ] && echo all passed || echo FAILURES)"
exit $status
