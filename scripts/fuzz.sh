#!/bin/bash
# fuzz.sh: build the libFuzzer targets tests/fuzz/fuzz_*.c and run each
# for a bounded time on a scratch copy of its seed corpus.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]     (make fuzz: SECONDS = 60)
#
# SECONDS per target (default 60; 0 replays the seeds once and stops).
# TARGET names (norm, tok, query, ...) pick targets; default: all.
# Environment: FUZZ_OUT  build and scratch folder (default build/fuzz)
#              FUZZ_JOBS parallel compiles (default 2)
#              FUZZ_SEED libFuzzer's random seed (default: a new one each
#                        run); CI fixes it so that its smoke run explores
#                        the same inputs every time and fails only for a
#                        change in the code, never for the dice
#
# The project's sources (common/, indexer/ and query/ without main.c) are
# compiled with clang -fsanitize=fuzzer-no-link,address,undefined into
# $FUZZ_OUT/obj, recompiled when a source or header changes. Seeds stay
# untouched: each run copies tests/fuzz/seeds/NAME into a fresh scratch
# corpus. Crashing inputs are kept in $FUZZ_OUT/crashes/. Prints one line
# per target (executions, exec/s, libFuzzer's final cov: and ft:, corpus
# size, peak RSS) and exits 1 when any target crashed, leaked, timed out
# or failed to build.
set -u
cd "$(dirname "$0")/.." || exit 1

SECONDS_EACH=${1:-60}
shift 2>/dev/null || true
OUT=${FUZZ_OUT:-build/fuzz}
JOBS=${FUZZ_JOBS:-2}
CC=${FUZZ_CC:-clang}
case $SECONDS_EACH in
'' | *[!0-9]*) echo "usage: scripts/fuzz.sh [SECONDS] [TARGET...]" >&2; exit 2 ;;
esac

if ! command -v "$CC" >/dev/null; then
    echo "fuzz: $CC not found (install clang: scripts/install-deps.sh)" >&2
    exit 1
fi
PKGS="sqlite3 icu-uc icu-i18n zlib libxml-2.0"
pkg-config --exists libmicrohttpd 2>/dev/null && PKGS="$PKGS libmicrohttpd"
PKG_CFLAGS=$(pkg-config --cflags $PKGS) || { echo "fuzz: pkg-config: missing $PKGS" >&2; exit 1; }
PKG_LIBS=$(pkg-config --libs $PKGS)
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
CFLAGS="-std=c11 -g -O1 -D_GNU_SOURCE -Icommon -Iindexer -Iquery -Itests/fuzz $PKG_CFLAGS $SAN"
mkdir -p "$OUT/obj" "$OUT/bin" "$OUT/crashes" "$OUT/logs"

# ---- build ---------------------------------------------------------------

# Objects older than their source or than the newest header (or file of
# query/web/, which out_html.c embeds) are rebuilt.
newest_h=$(ls -td common/*.h indexer/*.h query/*.h query/web/* 2>/dev/null | head -1)
srcs=$(ls common/*.c indexer/*.c query/*.c 2>/dev/null | grep -v '/main\.c$')
stale=
for s in $srcs; do
    o=$OUT/obj/${s%.c}.o
    if [ ! -f "$o" ] || [ "$s" -nt "$o" ] || [ "$newest_h" -nt "$o" ]; then
        stale="$stale $s"
    fi
done
if [ -n "$stale" ]; then
    export CC CFLAGS OUT
    if ! printf '%s\n' $stale | xargs -P "$JOBS" -I{} sh -c \
        'o="$OUT/obj/$(dirname {})/$(basename {} .c).o"; mkdir -p "$(dirname "$o")";
         $CC $CFLAGS -fsanitize=fuzzer-no-link -c -o "$o" {}' ; then
        echo "fuzz: cannot compile the project's sources with $CC" >&2
        exit 1
    fi
fi
objs=
for s in $srcs; do objs="$objs $OUT/obj/${s%.c}.o"; done
rm -f "$OUT/libvn.a"
ar rcs "$OUT/libvn.a" $objs || exit 1

targets=()
if [ $# -gt 0 ]; then
    for t in "$@"; do targets+=("$t"); done
else
    for f in tests/fuzz/fuzz_*.c; do t=${f##*/fuzz_}; targets+=("${t%.c}"); done
fi
for t in "${targets[@]}"; do
    src=tests/fuzz/fuzz_$t.c bin=$OUT/bin/fuzz_$t
    [ -f "$src" ] || { echo "fuzz: no target $src" >&2; exit 2; }
    if [ ! -x "$bin" ] || [ "$src" -nt "$bin" ] || [ tests/fuzz/fuzz.h -nt "$bin" ] \
       || [ "$OUT/libvn.a" -nt "$bin" ]; then
        # shellcheck disable=SC2086
        $CC $CFLAGS -Wall -Wextra -Werror -fsanitize=fuzzer -o "$bin" "$src" \
            "$OUT/libvn.a" $PKG_LIBS -ldl -lpthread -lm \
            || { echo "fuzz: cannot build $bin" >&2; exit 1; }
    fi
done

# ---- run -----------------------------------------------------------------

# Longest input each target is given: room for several paragraphs or a
# long query, short enough for many executions a second.
max_len() {
    case $1 in
    extract | html | charset) echo 16384 ;;
    *) echo 4096 ;;
    esac
}

# The token dictionary that helps libFuzzer build likely inputs.
dict_for() {
    case $1 in
    query) echo tests/fuzz/query.dict ;;
    http) echo tests/fuzz/http.dict ;;
    norm | tok | extract | telex) echo tests/fuzz/vi.dict ;;
    html | charset) echo tests/fuzz/html.dict ;;
    esac
}

# libFuzzer's -print_final_stats value NAME, from the log of the last run.
final_stat() { sed -n "s/^stat::$1: *//p" "$log" | tail -1; }

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
printf '%-8s %5s %12s %8s %7s %8s %7s %8s  %s\n' target secs executions exec/s cov ft corpus \
    rss_mb result
failed=0
for t in "${targets[@]}"; do
    bin=$OUT/bin/fuzz_$t log=$OUT/logs/$t.log
    corpus=$OUT/corpus/$t
    rm -rf "$corpus"
    mkdir -p "$corpus"
    [ -d "tests/fuzz/seeds/$t" ] && cp -R "tests/fuzz/seeds/$t/." "$corpus/"
    args=(-print_final_stats=1 -timeout=10 -rss_limit_mb=2048 -max_len="$(max_len "$t")"
          -artifact_prefix="$OUT/crashes/$t-" -close_fd_mask=1)
    [ -n "${FUZZ_SEED:-}" ] && args+=(-seed="$FUZZ_SEED")
    dict=$(dict_for "$t")
    [ -n "$dict" ] && [ -f "$dict" ] && args+=(-dict="$dict")
    if [ "$SECONDS_EACH" -eq 0 ]; then
        args+=(-runs=0)
    else
        args+=(-max_total_time="$SECONDS_EACH")
    fi
    # A hard stop well past the budget, should libFuzzer itself hang.
    timeout -k 10 $((SECONDS_EACH + 120)) "$bin" "${args[@]}" "$corpus" >"$log" 2>&1
    rc=$?
    last=$(grep -E '^#[0-9]+' "$log" | tail -1)
    cov=$(printf '%s' "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
    ft=$(printf '%s' "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
    corp=$(printf '%s' "$last" | sed -n 's/.* corp: \([0-9]*\).*/\1/p')
    result=ok
    if [ $rc -ne 0 ]; then
        result="FAILED (exit $rc)"
        failed=1
    fi
    printf '%-8s %5s %12s %8s %7s %8s %7s %8s  %s\n' "$t" "$SECONDS_EACH" \
        "$(final_stat number_of_executed_units)" "$(final_stat average_exec_per_sec)" \
        "${cov:--}" "${ft:--}" "${corp:--}" "$(final_stat peak_rss_mb)" "$result"
    if [ $rc -ne 0 ]; then
        grep -E 'ERROR|invariant failed|SUMMARY|Test unit written|^ *#[0-9]+ .* in .*(common|indexer|query|tests)/' \
            "$log" | grep -v 'in fuzzer::' | head -20 | sed 's/^/    /'
        echo "    full log: $log"
    fi
done
[ $failed -eq 0 ] || echo "fuzz: a target failed; reproduce with: $OUT/bin/fuzz_NAME CRASH_FILE" >&2
exit $failed
