#!/bin/sh
# Install the Debian packages the build and the tests need, if missing.
# Runs apt-get as root, through sudo otherwise; prints the command to run
# when neither is possible. A no-op when everything is installed.
set -eu
PKGS="build-essential pkg-config libsqlite3-dev libicu-dev zlib1g-dev libxml2-dev libmicrohttpd-dev libcmocka-dev sqlite3 time python3 hyperfine curl clang chromium wrk"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
        || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "install-deps: installing:$missing"
if [ "$(id -u)" -eq 0 ]; then SUDO=""
elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"
else
    echo "install-deps: run as root: apt-get install -y$missing" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends $missing
