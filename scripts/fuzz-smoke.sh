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
    if ! run_target "$pkg" "$target"; then
      # go test -fuzz sometimes ends a run with "context deadline exceeded"
      # when the time limit falls while its coordinator is still busy (for
      # example minimising a new input); that is no crasher. Run such a
      # target once more; a real failure writes a failing input and fails.
      if grep -q 'context deadline exceeded' "$log" && ! grep -q 'Failing input written' "$log"; then
        echo "fuzz-smoke: $pkg $target stopped at its deadline without a crasher; running it again"
        run_target "$pkg" "$target" && continue
      fi
      cat "$log"
      status=1
    fi
  done
done < <(git ls-files --cached --others --exclude-standard '*_test.go' | xargs grep -l '^func Fuzz' | sort)
echo "fuzz-smoke: $count targets, $([ $status = 0 ] && echo all passed || echo FAILURES)"
exit $status
