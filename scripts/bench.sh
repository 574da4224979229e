#!/bin/bash
# bench.sh: vnsearch against SQLite FTS5's unicode61 tokenizer
# (remove_diacritics 2) on the 35,440-article corpus, both in the same run.
# Run as `make bench` (which builds build/vnindex, build/vnquery and
# build/bench/{qbench,baseline_load}); prints a table and rewrites
# BENCHMARKS.md, keeping whatever follows its "<!-- notes -->" line.
#
#   scripts/bench.sh                 use bench/queries.txt as it is
#   scripts/bench.sh --new-queries   first regenerate it from the corpus
#
# Needs ../shared/corpus/vinews-35k.tar.xz (skips, exit 0, without it),
# /usr/bin/time, sqlite3, and hyperfine if installed (else, or with
# BENCH_NO_HYPERFINE=1, a date loop).
# Unpacks into a temporary folder removed at exit.
set -eu
cd "$(dirname "$0")/.."
# what was measured: the tree as the binaries were built (make builds first)
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo "?")
git diff --quiet HEAD -- common indexer query 2>/dev/null || COMMIT="$COMMIT + uncommitted changes"

CORPUS=../shared/corpus/vinews-35k.tar.xz
QUERIES=bench/queries.txt
BUILD_RUNS=${BENCH_BUILD_RUNS:-3}   # override only to try the script out
WHOLE_QUERIES=50     # whole-process timing: the first N queries
WHOLE_RUNS=5         # runs per command, after one warm-up
OUT=BENCHMARKS.md
BASE_SQL_HEAD="SELECT rowid, title, snippet(doc, 1, '<mark>', '</mark>', '…', 32) FROM doc WHERE doc MATCH '"
BASE_SQL_TAIL="' ORDER BY bm25(doc,10.0,1.0) LIMIT 10"

new_queries=0
case "${1:-}" in
"") ;;
--new-queries) new_queries=1 ;;
*) echo "usage: scripts/bench.sh [--new-queries]" >&2; exit 2 ;;
esac

if [ ! -f "$CORPUS" ]; then
    echo "bench: ../shared/corpus/vinews-35k.tar.xz not found, skipping"
    exit 0
fi
for tool in build/vnindex build/vnquery build/bench/qbench build/bench/baseline_load; do
    [ -x "$tool" ] || { echo "bench: $tool missing: run make bench" >&2; exit 1; }
done
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time missing (apt-get install time)" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "bench: sqlite3 missing (apt-get install sqlite3)" >&2; exit 1; }

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM

say() { echo "bench: $*" >&2; }
commas() { sed ':a;s/\B[0-9]\{3\}\>/,&/;ta'; }

# ---- helpers -----------------------------------------------------------------

# timed NAME CMD...: run CMD under /usr/bin/time -v; NAME.time gets the
# report, NAME.out the output. Stops the bench if CMD fails.
timed() {
    local name=$1; shift
    if ! /usr/bin/time -v -o "$T/$name.time" "$@" >"$T/$name.out" 2>&1; then
        say "$name failed: $*"
        cat "$T/$name.out" "$T/$name.time" >&2
        exit 1
    fi
}
wall_s() {   # NAME -> seconds of wall time
    awk -F': ' '/Elapsed \(wall clock\)/ {
        n = split($2, p, ":"); s = 0
        for (i = 1; i <= n; i++) s = s * 60 + p[i]
        printf "%.2f\n", s }' "$T/$1.time"
}
rss_mb() {   # NAME -> peak RSS in MB (2^20 bytes)
    awk -F': ' '/Maximum resident set size/ { printf "%.1f\n", $2 / 1024 }' "$T/$1.time"
}
db_bytes() { # DB -> bytes of the file plus its -wal
    local n=0 f
    for f in "$1" "$1-wal"; do
        [ -f "$f" ] && n=$((n + $(stat -c %s "$f")))
    done
    echo "$n"
}
median() {   # numbers on stdin -> their median
    sort -g | awk '{ v[NR] = $1 } END {
        if (NR == 0) { print "nan"; exit }
        if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
field() {    # KEY FILE -> value of KEY=value in a qbench line
    tr ' ' '\n' <"$2" | sed -n "s/^$1=//p"
}
sq() {       # shell-quote one word
    printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}

# ---- corpus --------------------------------------------------------------------

say "unpacking $CORPUS into $T"
tar -xJf "$CORPUS" -C "$T"
DOCS=$T/vinews
NFILES=$(find "$DOCS" -name '*.txt' | wc -l)
RAW=$(find "$DOCS" -name '*.txt' -printf '%s\n' | awk '{ s += $1 } END { printf "%d\n", s }')
say "$NFILES files, $RAW bytes of text"
if [ "$new_queries" = 1 ]; then
    python3 bench/make_queries.py "$DOCS" "$QUERIES"
fi
[ -s "$QUERIES" ] || { say "$QUERIES missing: run scripts/bench.sh --new-queries"; exit 1; }
NQUERIES=$(grep -c . "$QUERIES")

# ---- builds: ours and the baseline, interleaved --------------------------------

OURS=$T/ours.db BASE=$T/base.db
for i in $(seq 1 "$BUILD_RUNS"); do
    say "build $i/$BUILD_RUNS: vnindex"
    rm -f "$OURS" "$OURS-wal" "$OURS-shm"
    timed "ours_build_$i" build/vnindex --db "$OURS" "$DOCS"
    OURS_BYTES=$(db_bytes "$OURS")
    say "  $(tail -1 "$T/ours_build_$i.out")"
    timed "ours_rerun_$i" build/vnindex --db "$OURS" "$DOCS"
    say "  rerun: $(tail -1 "$T/ours_rerun_$i.out")"
    say "build $i/$BUILD_RUNS: baseline_load"
    rm -f "$BASE" "$BASE-wal" "$BASE-shm"
    timed "base_build_$i" build/bench/baseline_load "$BASE" "$DOCS"
    BASE_BYTES=$(db_bytes "$BASE")
done
OURS_BUILD=$(for i in $(seq 1 "$BUILD_RUNS"); do wall_s "ours_build_$i"; done | median)
OURS_RERUN=$(for i in $(seq 1 "$BUILD_RUNS"); do wall_s "ours_rerun_$i"; done | median)
BASE_BUILD=$(for i in $(seq 1 "$BUILD_RUNS"); do wall_s "base_build_$i"; done | median)
OURS_RSS=$(rss_mb "ours_build_$BUILD_RUNS")   # size and RSS: the last run, the one queried
BASE_RSS=$(rss_mb "base_build_$BUILD_RUNS")
OURS_SUMMARY=$(tail -1 "$T/ours_build_$BUILD_RUNS.out")

# ---- queries in process ----------------------------------------------------------

# qbench SIDE MODE DB: figures in q_SIDE, the slowest queries in q_SIDE.slow.
qbench() {
    if ! build/bench/qbench "$2" "$3" "$QUERIES" >"$T/q_$1" 2>"$T/q_$1.err"; then
        cat "$T/q_$1.err" >&2
        exit 1
    fi
    sed -n 's/^qbench: slow: //p' "$T/q_$1.err" >"$T/q_$1.slow"
    say "  $(cat "$T/q_$1")"
}
say "in-process queries: ours, index in memory ($NQUERIES queries, warm-up + 3 passes)"
qbench ours --mem "$OURS"
say "in-process queries: ours, through FTS5"
qbench fts --ours "$OURS"
say "in-process queries: in memory and through FTS5 give the same results?"
build/bench/qbench --same "$OURS" "$QUERIES" >"$T/same" 2>"$T/same.err" || {
    cat "$T/same.err" >&2; exit 1; }
SAME=$(cat "$T/same")
say "  $SAME"
say "in-process queries: baseline"
qbench base --baseline "$BASE"

# ---- whole process: the first WHOLE_QUERIES queries -----------------------------

head -n "$WHOLE_QUERIES" "$QUERIES" >"$T/whole_q"
build/bench/qbench --match "$T/whole_q" >"$T/whole_m"
mapfile -t WQ <"$T/whole_q"
mapfile -t WM <"$T/whole_m"
base_sql() { printf '%s%s%s' "$BASE_SQL_HEAD" "${1//\'/\'\'}" "$BASE_SQL_TAIL"; }

if [ -z "${BENCH_NO_HYPERFINE:-}" ] && command -v hyperfine >/dev/null; then
    WHOLE_TOOL="hyperfine $(hyperfine --version | cut -d' ' -f2), $WHOLE_RUNS runs after 1 warm-up"
    say "whole-process queries: ${#WQ[@]} x 2 commands with hyperfine"
    args=()
    for i in "${!WQ[@]}"; do
        args+=(-n "ours_$i" "build/vnquery --db $OURS --limit 10 $(sq "${WQ[$i]}")")
        args+=(-n "base_$i" "sqlite3 $BASE $(sq "$(base_sql "${WM[$i]}")")")
    done
    hyperfine -N --style none --warmup 1 --runs "$WHOLE_RUNS" --export-csv "$T/whole.csv" \
        "${args[@]}" >"$T/whole.log" 2>&1 || { cat "$T/whole.log" >&2; exit 1; }
    # CSV: command,mean,stddev,median,... in seconds.
    for side in ours base; do
        awk -F, -v s="$side" '$1 ~ "^" s "_" { printf "%.3f\n", $4 * 1000 }' "$T/whole.csv" \
            | median >"$T/whole_$side"
    done
else
    WHOLE_TOOL="a date +%s%N loop, $WHOLE_RUNS runs after 1 warm-up"
    say "whole-process queries: ${#WQ[@]} x 2 commands (no hyperfine: date loop)"
    clock() { # CMD... -> median ms of WHOLE_RUNS runs after a warm-up
        local t0 t1
        "$@" >/dev/null
        for _ in $(seq 1 "$WHOLE_RUNS"); do
            t0=$(date +%s%N); "$@" >/dev/null; t1=$(date +%s%N)
            echo $(((t1 - t0) / 1000))
        done | median | awk '{ printf "%.3f\n", $1 / 1000 }'
    }
    for i in "${!WQ[@]}"; do
        clock build/vnquery --db "$OURS" --limit 10 "${WQ[$i]}" >>"$T/whole_ours_all"
        clock sqlite3 "$BASE" "$(base_sql "${WM[$i]}")" >>"$T/whole_base_all"
    done
    median <"$T/whole_ours_all" >"$T/whole_ours"
    median <"$T/whole_base_all" >"$T/whole_base"
fi

# ---- the table ---------------------------------------------------------------------

MB=1048576
OURS_MB=$(awk -v b="$OURS_BYTES" -v m=$MB 'BEGIN { printf "%.1f", b / m }')
BASE_MB=$(awk -v b="$BASE_BYTES" -v m=$MB 'BEGIN { printf "%.1f", b / m }')
OURS_FRAC=$(awk -v b="$OURS_BYTES" -v r="$RAW" 'BEGIN { printf "%.3f", b / r }')
BASE_FRAC=$(awk -v b="$BASE_BYTES" -v r="$RAW" 'BEGIN { printf "%.3f", b / r }')
RAW_MB=$(awk -v b="$RAW" -v m=$MB 'BEGIN { printf "%.1f", b / m }')
O_median_ms=$(field median_ms "$T/q_ours")       B_median_ms=$(field median_ms "$T/q_base")
O_p99_ms=$(field p99_ms "$T/q_ours")             B_p99_ms=$(field p99_ms "$T/q_base")
O_plain_median_ms=$(field plain_median_ms "$T/q_ours")
B_plain_median_ms=$(field plain_median_ms "$T/q_base")
O_accent_median_ms=$(field accent_median_ms "$T/q_ours")
B_accent_median_ms=$(field accent_median_ms "$T/q_base")
O_nohits=$(field nohits "$T/q_ours")             B_nohits=$(field nohits "$T/q_base")
O_mean_matches=$(field mean_matches "$T/q_ours") B_mean_matches=$(field mean_matches "$T/q_base")
O_WHOLE=$(cat "$T/whole_ours") B_WHOLE=$(cat "$T/whole_base")
F_median_ms=$(field median_ms "$T/q_fts")       F_p99_ms=$(field p99_ms "$T/q_fts")
F_plain_median_ms=$(field plain_median_ms "$T/q_fts")
F_accent_median_ms=$(field accent_median_ms "$T/q_fts")
MEM_LOAD_S=$(awk -v ms="$(field mem_load_ms "$T/q_ours")" 'BEGIN { printf "%.1f", ms / 1000 }')
MEM_MB=$(field mem_mb "$T/q_ours")
SQLITE_VERSION=$(field sqlite_version "$T/q_ours")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "–"; else printf "%.2f×", a / b }'; }
# row LABEL OURS BASE [-]: a table row; "-" (or BASE "–") leaves out the ratio.
row() {
    local r=–
    if [ "$3" != – ] && [ "${4:-}" != - ]; then r=$(ratio "$2" "$3"); fi
    printf '| %s | %s | %s | %s |\n' "$1" "$2" "$3" "$r"
}

{
    echo "| Measure | vnsearch | FTS5 unicode61 | vnsearch / baseline |"
    echo "|---|---:|---:|---:|"
    row "Build from scratch, s (median of $BUILD_RUNS)" "$OURS_BUILD" "$BASE_BUILD"
    row "Peak RSS while building, MB" "$OURS_RSS" "$BASE_RSS"
    row "Database size, MB (file + -wal)" "$OURS_MB" "$BASE_MB"
    row "Database size / raw text ($RAW_MB MB)" "$OURS_FRAC" "$BASE_FRAC"
    row "No-change rerun, s (median of $BUILD_RUNS)" "$OURS_RERUN" "–"
    row "Query median, ms (in process)" "$O_median_ms" "$B_median_ms"
    row "Query p99, ms (in process)" "$O_p99_ms" "$B_p99_ms"
    row "Accent-free queries: median, ms" "$O_plain_median_ms" "$B_plain_median_ms"
    row "Accented queries: median, ms" "$O_accent_median_ms" "$B_accent_median_ms"
    row "Through FTS5 (no copy in memory): query median, ms" "$F_median_ms" "$B_median_ms"
    row "Through FTS5: query p99, ms" "$F_p99_ms" "$B_p99_ms"
    row "Through FTS5: accent-free / accented median, ms" \
        "$F_plain_median_ms / $F_accent_median_ms" "–"
    row "Index in memory: load, s / size, MB" "$MEM_LOAD_S / $MEM_MB" "–"
    row "Whole process: median, ms (first $WHOLE_QUERIES queries)" "$O_WHOLE" "$B_WHOLE"
    row "Queries matching nothing (of $NQUERIES)" "$O_nohits" "$B_nohits" -
    row "Mean matches per query" "$O_mean_matches" "$B_mean_matches"
} >"$T/table.md"

# ---- the targets -------------------------------------------------------------------

# target WHAT VALUE LIMIT UNIT STRICT: one list item, met or missed by how much.
target() {
    awk -v what="$1" -v v="$2" -v lim="$3" -v unit="$4" -v strict="$5" 'BEGIN {
        ok = strict ? v < lim : v <= lim
        goal = (strict ? "< " : "≤ ") lim unit
        if (ok) printf "- %s %s: **met** (%s%s)\n", what, goal, v, unit
        else printf "- %s %s: **missed**: %s%s, over by %.2f%s (%.2f× the limit)\n", \
            what, goal, v, unit, v - lim, unit == "×" ? "" : unit, v / lim }'
}
BUILD_RATIO=$(awk -v a="$OURS_BUILD" -v b="$BASE_BUILD" 'BEGIN { printf "%.2f", a / b }')
ACCENT_RATIO=$(awk -v a="$O_plain_median_ms" -v b="$O_accent_median_ms" 'BEGIN { printf "%.2f", a / b }')
WHOLE_RATIO=$(awk -v a="$O_WHOLE" -v b="$B_WHOLE" 'BEGIN { printf "%.2f", a / b }')
{
    target "Build time, as a multiple of the baseline's," "$BUILD_RATIO" 1.5 "×" 0
    target "Database size, as a fraction of the raw text," "$OURS_FRAC" 0.85 "" 0
    target "Peak RSS while building" "$OURS_RSS" 64 " MB" 1
    target "No-change rerun" "$OURS_RERUN" 1 " s" 1
    target "Query median (in process)" "$O_median_ms" 2 " ms" 1
    target "Query p99 (in process)" "$O_p99_ms" 20 " ms" 1
    target "Accent-free median, as a multiple of the accented median," "$ACCENT_RATIO" 2 "×" 0
    target "Whole-process median, as a multiple of the sqlite3 shell's," "$WHOLE_RATIO" 1 "×" 0
} >"$T/targets.md"

echo
echo "Corpus: $NFILES files, $RAW bytes. $OURS_SUMMARY"
echo
cat "$T/table.md"
echo
cat "$T/targets.md"

# ---- BENCHMARKS.md -------------------------------------------------------------------

CPU=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
RAM=$(awk '/^MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo)
{
    cat <<EOF
# Benchmarks

vnsearch (\`build/vnindex\`, \`build/vnquery\`) against SQLite FTS5 as it
ships: the \`unicode61\` tokenizer with \`remove_diacritics 2\`, text kept in
FTS5's own content table (\`bench/baseline_load.c\`). Both index the same
$(echo "$NFILES" | commas) articles of \`../shared/corpus/vinews-35k.tar.xz\`
($(echo "$RAW" | commas) bytes of text; title = line 1, body = the rest)
in the same run, so compare the ratios rather than the absolute times:
the machine is shared and noisy.
This file is written by \`make bench\`; everything above the notes line is
replaced on each run.

- Command: \`make bench\` (from the repository root)
- Date: $(date -u '+%Y-%m-%d %H:%M UTC'), commit $COMMIT
- Machine: $(nproc) cores, $CPU, $RAM RAM; SQLite $SQLITE_VERSION; Linux $(uname -r)

## Results

$(cat "$T/table.md")

MB = 2^20 bytes. How each figure is taken:

- Build: \`vnindex --db ours.db DIR\` into a new file, and \`baseline_load
  base.db DIR\` (WAL, synchronous=NORMAL like vnindex, 500 files a
  transaction, files in name order), each under \`/usr/bin/time -v\`,
  alternating, $BUILD_RUNS runs each; wall time is the median, peak RSS and
  size come from the last run (the database then queried). Size is the
  database file plus its -wal once the process has exited.
- No-change rerun: \`vnindex\` again over the same folder, right after each build.
- In process (\`bench/qbench.c\`): for each of the $NQUERIES lines of
  \`bench/queries.txt\`, \`vn_query_parse\` then \`vn_store_search\` (10 results,
  snippets, a callback copying every field) on a read-only store that
  holds the index in memory (\`qbench --mem\`, common/vn_mem.h), as
  \`vnquery serve\` does; the rows "through FTS5" are the same without it
  (\`qbench --ours\`), as the one-shot \`vnquery\` runs. Both give the
  same results, checked in the same run with \`qbench --same\` (each query
  on pages 1 and 3, by relevance and by date, with date bounds: ids, exact
  scores, snippets, totals): $SAME. Load time and size of the copy are
  what \`qbench --mem\` measured before its queries; the
  baseline runs the same FTS5 expression as
  \`SELECT rowid, title, snippet(doc, 1, '<mark>', '</mark>', '…', 32) FROM doc
  WHERE doc MATCH ?1 ORDER BY bm25(doc, 10.0, 1.0) LIMIT 10\`. One warm-up
  pass, then 3; a query's time is the median of its 3, and the table gives
  the median and p99 (nearest rank) over the queries. Accent-free queries
  are the pure-ASCII lines (half of them), accented the others.
- Whole process: \`vnquery --db ours.db --limit 10 QUERY\` against the
  \`sqlite3\` shell running the SELECT above, for the first $WHOLE_QUERIES
  queries, with $WHOLE_TOOL; the median over the queries of each
  query's median.
- Queries (\`bench/make_queries.py\`, seed 2026): runs of 1 to 6 consecutive
  Vietnamese syllables from random articles' bodies, lower case, alternately
  as written and with diacritics removed (NFD, marks dropped, đ → d); about
  a third of the multi-word ones are quoted phrases. Regenerate with
  \`scripts/bench.sh --new-queries\`.
- Match counts come from an untimed pass. \`unicode61\` does not fold đ to d,
  so accent-free queries containing a d that stands for đ can find nothing
  in the baseline.

## Targets

$(cat "$T/targets.md")

## Slowest queries (in process)

| vnsearch, ms | matches | query | | FTS5, ms | matches | query |
|---:|---:|---|---|---:|---:|---|
$(paste -d'\t' "$T/q_ours.slow" "$T/q_base.slow" \
    | awk -F'\t' '{ printf "| %s | %s | `%s` | | %s | %s | `%s` |\n", $1, $2, $3, $4, $5, $6 }')

EOF
    if [ -f "$OUT" ] && grep -qx '<!-- notes -->' "$OUT"; then
        sed -n '/^<!-- notes -->$/,$p' "$OUT"
    else
        echo "<!-- notes -->"
    fi
} >"$T/BENCHMARKS.md"
cp "$T/BENCHMARKS.md" "$OUT"
say "wrote $OUT"
