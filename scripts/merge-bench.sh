#!/bin/bash
# merge-bench.sh: does query time stay near a fresh build's after many
# small incremental runs? (issue 5: within 10% after 50 runs of 1% changes)
#
#   scripts/merge-bench.sh [BUILD]     BUILD defaults to build
#
# Takes a slice of ../shared/corpus/vinews-35k.tar.xz (MB_SLICE articles,
# default 10000; the rest is a pool of new text), indexes it, then makes
# MB_RUNS (default 50) incremental runs of vnindex, each after changing
# MB_CHANGE_PCT percent (default 1) of the files: half rewritten with
# another article's text, a quarter deleted, a quarter added. Then it
# builds a fresh index of the final folder and times bench/queries.txt on
# both with BUILD/bench/qbench (in process, 10 results with snippets),
# alternating MB_REPEAT (default 5) times. Prints qbench's median and p99
# and the CPU time of the whole qbench process (steadier than wall time on
# a busy machine), each with the ratio after-runs / fresh.
# Needs BUILD/vnindex and BUILD/bench/qbench (make bench builds both),
# python3 and /usr/bin/time; skips, exit 0, without the corpus. Unpacks
# into a temporary folder removed at exit.
set -eu
cd "$(dirname "$0")/.."

CORPUS=../shared/corpus/vinews-35k.tar.xz
B=${1:-build}
SLICE=${MB_SLICE:-10000}
RUNS=${MB_RUNS:-50}
PCT=${MB_CHANGE_PCT:-1}
REPEAT=${MB_REPEAT:-5}
QUERIES=bench/queries.txt

say() { echo "merge-bench: $*" >&2; }
if [ ! -f "$CORPUS" ]; then
    say "$CORPUS not found, skipping"
    exit 0
fi
for tool in "$B/vnindex" "$B/bench/qbench" /usr/bin/time; do
    [ -x "$tool" ] || { say "$tool missing (make bench B=$B builds the tools)"; exit 1; }
done

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f s", b - a }'; }

say "unpacking the corpus"
tar -xJf "$CORPUS" -C "$T"
# The first SLICE files (by name) are the archive, the rest the pool.
python3 -c '
import os, sys
src, archive, pool, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
os.mkdir(archive)
os.mkdir(pool)
for i, f in enumerate(sorted(os.listdir(src))):
    os.rename(os.path.join(src, f), os.path.join(archive if i < n else pool, f))
' "$T/vinews" "$T/archive" "$T/pool" "$SLICE"

# One round of changes, chosen by a seeded generator so that runs compare.
change() {
    python3 -c '
import os, random, shutil, sys
archive, pool, pct, seed = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
rng = random.Random(seed)
files = sorted(os.listdir(archive))
spare = sorted(os.listdir(pool))
n = max(4, int(len(files) * pct / 100))
picked = rng.sample(files, n // 2 + n // 4)
for f in picked[: n // 2]:                 # rewritten with another text
    src = spare.pop(rng.randrange(len(spare)))
    shutil.move(os.path.join(pool, src), os.path.join(archive, f))
for f in picked[n // 2 :]:                 # deleted
    os.remove(os.path.join(archive, f))
for _ in range(n // 4):                    # added
    src = spare.pop(rng.randrange(len(spare)))
    shutil.move(os.path.join(pool, src), os.path.join(archive, "new-" + src))
' "$T/archive" "$T/pool" "$PCT" "$1"
}

INC=$T/inc.db FRESH=$T/fresh.db
t0=$(date +%s.%N)
"$B/vnindex" --quiet --db "$INC" "$T/archive"
say "first build of $SLICE articles: $(elapsed "$t0")"

t0=$(date +%s.%N)
for i in $(seq 1 "$RUNS"); do
    change "$i"
    out=$("$B/vnindex" --db "$INC" "$T/archive")
    [ $((i % 10)) -eq 0 ] && say "run $i/$RUNS: $out"
done
say "$RUNS incremental runs: $(elapsed "$t0")"

t0=$(date +%s.%N)
"$B/vnindex" --quiet --db "$FRESH" "$T/archive"
say "fresh build: $(elapsed "$t0")"

stat_of() { "$B/vnindex" --db "$1" --stats | sed -n "s/^$2: \([0-9]*\).*/\1/p"; }
for side in INC FRESH; do
    db=${!side}
    say "$side: $(stat_of "$db" articles) articles, index $(stat_of "$db" index_bytes) bytes" \
        "in $(stat_of "$db" index_segments) b-trees, file $(stat_of "$db" database_bytes) bytes"
done

field() { tr ' ' '\n' | sed -n "s/^$1=//p"; }
median() {
    sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2];
        else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
qbench() { # SIDE DB: one qbench run; figures to T/SIDE.q, CPU seconds to T/SIDE.cpu
    /usr/bin/time -f '%U %S' -o "$T/time" "$B/bench/qbench" --ours "$2" "$QUERIES" \
        2>/dev/null >>"$T/$1.q"
    awk '{ print $1 + $2 }' "$T/time" >>"$T/$1.cpu"
}
say "timing the queries: $REPEAT rounds, alternating"
for r in $(seq 1 "$REPEAT"); do
    qbench inc "$INC"
    qbench fresh "$FRESH"
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
for k in median_ms p99_ms; do
    a=$(field "$k" <"$T/inc.q" | median)
    b=$(field "$k" <"$T/fresh.q" | median)
    echo "$k: after $RUNS runs $a, fresh build $b, ratio $(ratio "$a" "$b")"
done
a=$(median <"$T/inc.cpu")
b=$(median <"$T/fresh.cpu")
echo "qbench_cpu_s: after $RUNS runs $a, fresh build $b, ratio $(ratio "$a" "$b")"
