#!/bin/bash
# crash.sh: kill vnindex at random points, and cut its power, and check
# that nothing is ever damaged (issue 5, "Crash safety").
#
#   scripts/crash.sh [BUILD]     BUILD defaults to build (release binaries)
#
# On a slice of ../shared/corpus/vinews-35k.tar.xz (CRASH_SLICE articles,
# default 2500), runs vnindex again and again: every third run a
# --rebuild, the others incremental after rewriting, deleting and adding
# CRASH_CHANGE_PCT percent (default 20) of the files. Each run gets a
# SIGKILL at a random moment within its expected duration, until
# CRASH_KILLS (default 24) runs have died mid-way. After each kill:
# --check passes, a search succeeds, and the next run completes with
# counts that add up (added + updated + unchanged = the files there, none
# failed, as many articles as files). Every fourth run also gets a power
# cut: the process is frozen (SIGSTOP), the database with its -wal and
# -shm copied elsewhere, then thawed; the copy must pass --check, answer
# a search and complete a run of its own.
# Prints PASS:/FAIL: lines and a summary; exit 0 when every check passed.
# Skips, exit 0, without the corpus. CRASH_SEED (default 1) seeds the
# choices. Binaries: VNINDEX and VNQUERY, else BUILD/vnindex, BUILD/vnquery.
set -u
cd "$(dirname "$0")/.."

CORPUS=../shared/corpus/vinews-35k.tar.xz
B=${1:-build}
VNINDEX=${VNINDEX:-$B/vnindex}
VNQUERY=${VNQUERY:-$B/vnquery}
SLICE=${CRASH_SLICE:-2500}
KILLS=${CRASH_KILLS:-24}
PCT=${CRASH_CHANGE_PCT:-20}
RANDOM=${CRASH_SEED:-1}

say() { echo "crash: $*"; }
if [ ! -f "$CORPUS" ]; then
    say "$CORPUS not found, skipping"
    exit 0
fi
for tool in "$VNINDEX" "$VNQUERY"; do
    [ -x "$tool" ] || { say "$tool missing: run make (B=$B)"; exit 1; }
done

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM
start=$(date +%s.%N)
npass=0 nfail=0
pass() { npass=$((npass + 1)); [ -n "${VERBOSE:-}" ] && echo "PASS: $*"; return 0; }
fail() { nfail=$((nfail + 1)); echo "FAIL: $*"; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

say "unpacking the corpus"
tar -xJf "$CORPUS" -C "$T"
A=$T/archive P=$T/pool
python3 -c '
import os, sys
src, archive, pool, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
os.mkdir(archive)
os.mkdir(pool)
for i, f in enumerate(sorted(os.listdir(src))):
    if i < n:
        os.rename(os.path.join(src, f), os.path.join(archive, f))
    elif i < 5 * n:
        os.rename(os.path.join(src, f), os.path.join(pool, f))
' "$T/vinews" "$A" "$P" "$SLICE"
rm -rf "$T/vinews"

# Rewrite, delete and add PCT percent of the files (seeded).
change() {
    python3 -c '
import os, random, shutil, sys
archive, pool, pct, seed = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
rng = random.Random(seed)
files = sorted(os.listdir(archive))
spare = sorted(os.listdir(pool))
n = min(max(4, int(len(files) * pct / 100)), len(spare) * 4 // 3)
picked = rng.sample(files, n // 2 + n // 4)
for f in picked[: n // 2]:                  # rewritten: another text appended
    src = os.path.join(pool, spare.pop())
    with open(os.path.join(archive, f), "ab") as out, open(src, "rb") as more:
        out.write(more.read())
    os.remove(src)
for f in picked[n // 2 :]:                  # deleted
    os.remove(os.path.join(archive, f))
for _ in range(n // 4):                     # added
    src = spare.pop()
    shutil.move(os.path.join(pool, src), os.path.join(archive, "new-" + src))
' "$A" "$P" "$PCT" "$1"
}

nfiles() { find "$A" -name '*.txt' | wc -l; }
# counts OUTPUT: "added updated removed unchanged failed"
counts() { sed -n 's/^vnindex: \([0-9]*\) added, \([0-9]*\) updated, \([0-9]*\) removed, \([0-9]*\) unchanged, \([0-9]*\) failed.*/\1 \2 \3 \4 \5/p' <<<"$1"; }

# sound DB WHAT: --check passes, a search works, a run completes and adds up.
sound() {
    local db=$1 what=$2 out rc n
    if out=$("$VNINDEX" --db "$db" --check 2>&1); then pass "$what: --check"
    else fail "$what: --check: $out"; fi
    if out=$("$VNQUERY" --db "$db" --limit 3 "của" 2>&1); then pass "$what: search"
    else fail "$what: search: $out"; fi
    n=$(nfiles)
    out=$("$VNINDEX" --db "$db" "$A" 2>&1); rc=$?
    local added=x updated=0 removed=0 unchanged=0 failed=0
    read -r added updated removed unchanged failed <<<"$(counts "$out")"
    if [ "$rc" = 0 ] && [ "$failed" = 0 ] && [ "$added" != x ] \
        && [ $((added + updated + unchanged)) = "$n" ]; then
        pass "$what: next run adds up"
    else
        fail "$what: next run (exit $rc, $n files): $out"
    fi
    local arts
    arts=$("$VNINDEX" --db "$db" --stats | sed -n 's/^articles: //p')
    if [ "$arts" = "$n" ]; then pass "$what: $n articles"
    else fail "$what: $arts articles for $n files"; fi
}

DB=$T/db/index.db
mkdir -p "$T/db" "$T/cut"
t0=$(now)
"$VNINDEX" --db "$DB" --quiet "$A" || fail "first build"
FULL=$(since "$t0")
change 0
t0=$(now)
"$VNINDEX" --db "$DB" --quiet "$A" || fail "first incremental run"
INC=$(since "$t0")
say "first build of $SLICE articles: $FULL s; a run after $PCT% changes: $INC s"

kills=0 finished=0 cuts=0 run=0
while [ "$kills" -lt "$KILLS" ] && [ "$run" -lt $((KILLS * 3)) ]; do
    run=$((run + 1))
    args=(--db "$DB" --quiet)
    if [ $((run % 3)) = 0 ]; then
        args+=(--rebuild) kind=rebuild expect=$FULL
    else
        change "$run"
        kind=incremental expect=$INC
    fi
    # when to kill: uniformly within 1.2 times the expected duration
    delay=$(awk -v e="$expect" -v r=$RANDOM 'BEGIN { printf "%.3f", e * 1.2 * r / 32768 }')
    "$VNINDEX" "${args[@]}" "$A" >"$T/run.out" 2>&1 &
    pid=$!
    cut=
    if [ $((run % 4)) = 1 ]; then   # a power cut at half the delay; the run goes on
        half=$(awk -v d="$delay" 'BEGIN { print d / 2 }')
        sleep "$half"
        if kill -STOP "$pid" 2>/dev/null; then
            rm -rf "$T/cut"; mkdir "$T/cut"
            for f in "$DB" "$DB-wal" "$DB-shm"; do [ -f "$f" ] && cp "$f" "$T/cut/"; done
            kill -CONT "$pid"
            cuts=$((cuts + 1)) cut="power cut $cuts (run $run, $kind, at $half s)"
        fi
        sleep "$half"
    else
        sleep "$delay"
    fi
    if kill -KILL "$pid" 2>/dev/null; then
        wait "$pid" 2>/dev/null
        kills=$((kills + 1))
        sound "$DB" "kill $kills (run $run, $kind, at $delay s)"
    else
        wait "$pid"; rc=$?
        finished=$((finished + 1))
        [ "$rc" = 0 ] || fail "run $run finished before its kill, exit $rc: $(cat "$T/run.out")"
    fi
    [ -n "$cut" ] && sound "$T/cut/index.db" "$cut"
done

[ "$kills" -ge "$KILLS" ] && pass "$kills kills" || fail "only $kills kills in $run runs"
say "$run runs: $kills killed mid-way, $finished finished first, $cuts power cuts;" \
    "$npass checks passed, $nfail failed, in $(since "$start") s"
[ "$nfail" = 0 ]
