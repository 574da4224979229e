# Shared helpers for the shell tests. Each check prints one line,
# "PASS: what" or "FAIL: what", that tests/run.sh counts.
# Needs VNINDEX and VNQUERY (set by tests/run.sh).
set -u
: "${VNINDEX:?set by tests/run.sh}" "${VNQUERY:?set by tests/run.sh}"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; }
skip() { echo "SKIP: $*"; }

# ok WHAT COMMAND...: passes when the command succeeds.
ok() { local what=$1; shift; if "$@"; then pass "$what"; else fail "$what"; fi; }

# contains WHAT HAYSTACK NEEDLE
contains() {
    case $2 in *"$3"*) pass "$1" ;; *) fail "$1 (wanted '$3' in: ${2:0:400})" ;; esac
}
# lacks WHAT HAYSTACK NEEDLE
lacks() {
    case $2 in *"$3"*) fail "$1 (did not want '$3' in: ${2:0:400})" ;; *) pass "$1" ;; esac
}
# equals WHAT GOT WANT
equals() {
    if [ "$2" = "$3" ]; then pass "$1"; else fail "$1 (got '$2', wanted '$3')"; fi
}

# counts OUTPUT: "added updated removed unchanged failed" from vnindex's summary line.
counts() { printf '%s\n' "$1" | sed -n 's/^vnindex: \([0-9]*\) added, \([0-9]*\) updated, \([0-9]*\) removed, \([0-9]*\) unchanged, \([0-9]*\) failed.*/\1 \2 \3 \4 \5/p'; }

# total DB QUERY...: how many articles of DB match.
total() { local db=$1; shift; "$VNQUERY" --db "$db" --json --limit 1 "$@" | sed -n 's/.*"total": *\([0-9]*\).*/\1/p' | head -1; }

# ---- for the hostile-input tests ---------------------------------------------

# run LIMIT PROG ARGS...: run under a time limit. Sets rc, out and err.
run() {
    local limit=$1
    shift
    timeout -k 5 "$limit" "$@" </dev/null >"$TMP/out" 2>"$TMP/err"
    rc=$?
    out=$(head -c 65536 "$TMP/out" | tr -d '\0')
    err=$(head -c 65536 "$TMP/err" | tr -d '\0')
}

# sane WHAT CODE...: the last run ended in time with one of the given
# exit codes, no sanitizer report, and every stderr line one of our
# messages.
sane() {
    local what=$1 code wanted=0
    shift
    for code; do [ "$rc" = "$code" ] && wanted=1; done
    if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
        fail "$what: hung, killed by timeout"
    elif grep -qE 'Sanitizer|runtime error:' "$TMP/err"; then
        fail "$what: $(grep -m1 -E 'Sanitizer|runtime error:' "$TMP/err")"
    elif [ $wanted -eq 0 ]; then
        fail "$what: exit $rc, wanted $* (${err:0:300})"
    elif grep -qvE '^(vnindex|vnquery|vnquery serve): ' "$TMP/err"; then
        fail "$what: a stderr line that is not one message: $(grep -m1 -vE '^(vnindex|vnquery|vnquery serve): ' "$TMP/err" | head -c 200)"
    else
        pass "$what: exit $rc"
    fi
}

# one_line WHAT NEEDLE: stderr of the last run is exactly one line holding NEEDLE.
one_line() {
    local n
    n=$(wc -l <"$TMP/err")
    if [ "$n" -eq 1 ]; then contains "$1" "$err" "$2"; else fail "$1: $n lines on stderr: ${err:0:300}"; fi
}
