#!/bin/bash
# Run every test: the cmocka unit tests (BIN/test_*) and the shell tests
# (tests/cli/*.sh) against BIN/vnindex and BIN/vnquery. Counts cases, not
# files, and ends with one line: "N passed, N failed[, N skipped]".
set -u
BIN=${1:-build/asan}
cd "$(dirname "$0")/.."
case $BIN in /*) ;; *) BIN=$PWD/$BIN ;; esac
export VNINDEX="$BIN/vnindex" VNQUERY="$BIN/vnquery"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
pass=0 fail=0 skip=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

for t in "$BIN"/test_*; do
    [ -x "$t" ] || continue
    "$t" >"$log" 2>&1
    rc=$?
    p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
    f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
    p=${p:-0}; f=${f:-0}
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi   # crashed or sanitizer
    if [ "$f" -ne 0 ]; then cat "$log"; fi
    echo "$(basename "$t"): $p passed, $f failed"
    pass=$((pass + p)); fail=$((fail + f))
done

for t in tests/cli/test_*.sh; do
    [ -f "$t" ] || continue
    bash "$t" >"$log" 2>&1
    rc=$?
    p=$(grep -c '^PASS: ' "$log"); f=$(grep -c '^FAIL: ' "$log"); s=$(grep -c '^SKIP: ' "$log")
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; echo "FAIL: $t exited $rc" >>"$log"; fi
    grep -E '^(FAIL|SKIP): ' "$log"
    if [ "$f" -ne 0 ]; then tail -n 30 "$log"; fi
    echo "$(basename "$t"): $p passed, $f failed, $s skipped"
    pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s))
done

echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
