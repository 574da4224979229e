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
