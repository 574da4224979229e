#!/bin/bash
# bench-scale.sh: how cost grows with the archive. The 35,440-article
# corpus, and the same replicated 10 times under new names (354,400
# articles), indexed in the same run (1x three times, the median kept):
# build time, database size, peak RSS, and in-process query latency over
# bench/queries.txt.
# Run as `make bench-scale`. Writes its section of BENCHMARKS.md (between
# "<!-- scale -->" and "<!-- /scale -->", after the notes line) and keeps
# the rest. Needs ../shared/corpus/vinews-35k.tar.xz (skips, exit 0,
# without it) and about 2.5 GB in $TMPDIR (copies are hard links).
set -eu
cd "$(dirname "$0")/.."

CORPUS=../shared/corpus/vinews-35k.tar.xz
QUERIES=bench/queries.txt
COPIES=${SCALE_COPIES:-10}
OUT=BENCHMARKS.md

if [ ! -f "$CORPUS" ]; then
    echo "bench-scale: ../shared/corpus/vinews-35k.tar.xz not found, skipping"
    exit 0
fi
for tool in build/vnindex build/bench/qbench; do
    [ -x "$tool" ] || { echo "bench-scale: $tool missing: run make bench-scale" >&2; exit 1; }
done
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM
say() { echo "bench-scale: $*" >&2; }

say "unpacking into $T"
tar -xJf "$CORPUS" -C "$T"
mkdir "$T/x$COPIES"
for i in $(seq 1 "$COPIES"); do
    cp -al "$T/vinews" "$T/x$COPIES/copy$i"  # new names, the same bytes
done
RAW1=$(find "$T/vinews" -name '*.txt' -printf '%s\n' | awk '{ s += $1 } END { print s }')

# run NAME DIR: index DIR into NAME.db; prints "seconds rss_mb bytes files"
run() {
    local db=$T/$1.db
    /usr/bin/time -v -o "$T/$1.time" build/vnindex --db "$db" --quiet "$2" >"$T/$1.out" 2>&1 \
        || { cat "$T/$1.out" >&2; exit 1; }
    local s rss
    s=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); v = 0
        for (i = 1; i <= n; i++) v = v * 60 + p[i]; printf "%.2f", v }' "$T/$1.time")
    rss=$(awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$T/$1.time")
    echo "$s $rss $(stat -c %s "$db") $(find "$2" -name '*.txt' | wc -l)"
}
# The 1x build three times, its median kept: a 10 s run on this shared
# host moves by a quarter from run to run, which alone would decide the
# 10x / 1x ratio.
say "indexing 1x, three times"
for i in 1 2 3; do
    rm -f "$T"/x1.db*
    run x1 "$T/vinews" >"$T/x1.run$i"
    say "  $(cat "$T/x1.run$i")"
done
read -r S1 R1 B1 N1 < <(sort -n -k1,1 "$T"/x1.run[123] | sed -n 2p)
S1ALL=$(awk '{ printf "%s%s", sep, $1; sep = ", " }' "$T"/x1.run[123])
say "  median $S1 s"
say "indexing ${COPIES}x"
read -r SN RN BN NN < <(run "x$COPIES" "$T/x$COPIES")
say "  $SN s, $RN MB, $BN bytes, $NN files"
say "queries, index in memory (as vnquery serve), 1x and ${COPIES}x"
build/bench/qbench --mem "$T/x1.db" "$QUERIES" >"$T/q1" 2>/dev/null
build/bench/qbench --mem "$T/x$COPIES.db" "$QUERIES" >"$T/qN" 2>/dev/null
say "queries through FTS5 (as the one-shot vnquery), ${COPIES}x"
build/bench/qbench --ours "$T/x$COPIES.db" "$QUERIES" >"$T/qF" 2>/dev/null
f() { tr ' ' '\n' <"$2" | sed -n "s/^$1=//p"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }

{
    echo "<!-- scale -->"
    echo "## Scale: the corpus and ${COPIES} copies of it"
    echo
    echo "\`make bench-scale\` ($(date -u +%Y-%m-%d), $(nproc) cores, $(uname -m)):"
    echo "the 35k corpus and the same replicated ${COPIES} times under new names,"
    echo "indexed from scratch in the same run; queries are bench/queries.txt,"
    echo "in process with the index in memory (\`qbench --mem\`, as \`vnquery serve\`"
    echo "runs them); the last row is the ${COPIES}x index through FTS5 (\`qbench --ours\`,"
    echo "as the one-shot \`vnquery\` runs them)."
    echo
    echo "| | articles | build | database | of raw | peak RSS | query median | query p99 |"
    echo "|---|---|---|---|---|---|---|---|"
    echo "| 1x | $N1 | ${S1} s | $(mb "$B1") MB | $(ratio "$B1" "$RAW1") | ${R1} MB | $(f median_ms "$T/q1") ms | $(f p99_ms "$T/q1") ms |"
    echo "| ${COPIES}x | $NN | ${SN} s | $(mb "$BN") MB | $(ratio "$BN" "$((RAW1 * COPIES))") | ${RN} MB | $(f median_ms "$T/qN") ms | $(f p99_ms "$T/qN") ms |"
    echo "| ${COPIES}x, through FTS5 | | | | | | $(f median_ms "$T/qF") ms | $(f p99_ms "$T/qF") ms |"
    echo
    echo "The copy in memory: 1x $(f mem_mb "$T/q1") MB, loaded in $(f mem_load_ms "$T/q1") ms;"
    echo "${COPIES}x $(f mem_mb "$T/qN") MB, loaded in $(f mem_load_ms "$T/qN") ms."
    echo
    echo "Build time ${COPIES}x / 1x: **$(ratio "$SN" "$S1")** (target at most 11; 1x is the"
    echo "median of three builds: ${S1ALL} s)."
    echo "Query p99 at ${COPIES}x: **$(f p99_ms "$T/qN") ms** (target under 50 ms)."
    echo "Peak RSS at ${COPIES}x: **${RN} MB** (target under 64 MB)."
    echo "<!-- /scale -->"
} >"$T/section.md"
cat "$T/section.md"

# Replace our section, or add it at the end.
python3 - "$OUT" "$T/section.md" <<'PY'
import sys, re
path, sec = sys.argv[1], open(sys.argv[2]).read()
try:
    text = open(path).read()
except FileNotFoundError:
    text = "<!-- notes -->\n"
pat = re.compile(r"<!-- scale -->.*?<!-- /scale -->\n?", re.S)
text = pat.sub(lambda m: sec, text) if pat.search(text) else text.rstrip("\n") + "\n\n" + sec
open(path, "w").write(text)
PY
