#!/usr/bin/env bash
# Runs every fuzz target of the module briefly (FUZZTIME each, default 5s).
# A target that finds a crasher fails the run; the crasher is left in the
# package's testdata/fuzz directory to become a regression test.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-5s}
status=0
count=0
while IFS= read -r file; do
  pkg="./$(dirname "$file")"
  for target in $(grep -oE '^func (Fuzz[A-Za-z0-9_]+)' "$file" | awk '{print $2}'); do
    count=$((count+1))
    echo "fuzz-smoke: $pkg $target ($fuzztime)"
    if ! go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" "$pkg" >/tmp/fuzz-smoke.$$.log 2>&1; then
      cat /tmp/fuzz-smoke.$$.log
      status=1
    fi
  done
done < <(git ls-files --cached --others --exclude-standard '*_test.go' | xargs grep -l '^func Fuzz' | sort)
rm -f /tmp/fuzz-smoke.$$.log
echo "fuzz-smoke: $count targets, $([ $status = 0 ] && echo all passed || echo FAILURES)"
exit $status
