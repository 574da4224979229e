#!/bin/bash
# loadtest.sh: `vnquery serve` under load, on loopback, against the
# 35,440-article corpus, next to the same queries run through the CLI in
# the same run. Run as `make loadtest` (which builds build/vnindex and
# build/vnquery first).
#
# The mix: the 240 queries of bench/queries.txt (1 to 6 syllables, half
# typed without diacritics) as /api/search requests, a quarter of them with
# a date filter, a date order or page 2. wrk (with a Lua script cycling
# through the mix from a different start per thread) runs twice, bounded
# in time:
#   uncached  --cache 0: every request runs its search in SQLite (what a
#             stream of queries never seen before costs);
#   cached    the default cache: a search box's usual traffic, where the
#             same queries come back (here: after the first lap, all of
#             them).
# Before that, one pass over the mix with curl records the search time the
# server itself reports (took_ms), to show where the time goes.
#
#   scripts/loadtest.sh [--no-write]
# Environment: B (build folder, default build), LOADTEST_SECONDS (20 per
# wrk run), LOADTEST_CONNECTIONS (16), LOADTEST_THREADS (server threads,
# default the number of CPUs), LOADTEST_DB (reuse an index of the corpus
# instead of building one).
# Writes the results between <!-- loadtest --> and <!-- /loadtest --> at
# the end of BENCHMARKS.md (after its notes, which make bench keeps),
# unless --no-write. Needs ../shared/corpus/vinews-35k.tar.xz (skips,
# exit 0, without it), wrk, curl and python3.
set -eu
cd "$(dirname "$0")/.."
# what was measured: the tree as the binaries were built (make builds first)
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo "?")
git diff --quiet HEAD -- common query 2>/dev/null || COMMIT="$COMMIT + uncommitted changes"

CORPUS=../shared/corpus/vinews-35k.tar.xz
B=${B:-build}
SECONDS_EACH=${LOADTEST_SECONDS:-20}
CONNS=${LOADTEST_CONNECTIONS:-16}
SERVER_THREADS=${LOADTEST_THREADS:-$(nproc)}
QUERIES=bench/queries.txt
OUT=BENCHMARKS.md
write=1
case "${1:-}" in
"") ;;
--no-write) write=0 ;;
*) echo "usage: scripts/loadtest.sh [--no-write]" >&2; exit 2 ;;
esac

say() { echo "loadtest: $*" >&2; }
if [ ! -f "$CORPUS" ] && [ -z "${LOADTEST_DB:-}" ]; then
    echo "loadtest: $CORPUS not found, skipping"
    exit 0
fi
for tool in "$B/vnindex" "$B/vnquery"; do
    [ -x "$tool" ] || { say "$tool missing: run make loadtest"; exit 1; }
done
for cmd in wrk curl python3; do
    command -v "$cmd" >/dev/null || { say "$cmd missing (apt-get install $cmd)"; exit 1; }
done

T=$(mktemp -d)
SERVER=""
cleanup() {
    if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- the index ------------------------------------------------------------------

if [ -n "${LOADTEST_DB:-}" ]; then
    DB=$LOADTEST_DB
    say "using $DB"
else
    say "unpacking $CORPUS into $T"
    tar -xJf "$CORPUS" -C "$T"
    DB=$T/load.db
    say "indexing $(find "$T/vinews" -name '*.txt' | wc -l) articles"
    "$B/vnindex" --db "$DB" --quiet "$T/vinews" >&2
fi

# ---- the mix ------------------------------------------------------------------------

# One line per request: the path for wrk, then a tab and the same search as
# vnquery arguments (NUL-free, shell-quoted) for the CLI comparison.
python3 - "$QUERIES" "$T/mix.tsv" <<'EOF'
import shlex, sys, urllib.parse
qs = [l.strip() for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
filters = [("since=2017-01-01", ["--since", "2017-01-01"]),
           ("sort=date", ["--sort", "date"]),
           ("since=2016-06&until=2017-03&sort=date-asc",
            ["--since", "2016-06", "--until", "2017-03", "--sort", "date-asc"]),
           ("page=2", ["--offset", "10"])]
with open(sys.argv[2], "w", encoding="utf-8") as out:
    for i, q in enumerate(qs):
        path = "/api/search?q=" + urllib.parse.quote_plus(q)
        args = ["--limit", "10"]
        if i % 4 == 3:
            f = filters[(i // 4) % len(filters)]
            path += "&" + f[0]
            args += f[1]
        out.write(path + "\t" + " ".join(shlex.quote(a) for a in args + ["--", q]) + "\n")
EOF
cut -f1 "$T/mix.tsv" >"$T/paths"
NMIX=$(wc -l <"$T/paths")
NFILTER=$(grep -c '&' "$T/paths")

cat >"$T/mix.lua" <<'EOF'
-- Cycle through the paths given as the script's argument; each wrk
-- thread starts at another place in the list.
local paths = {}
local threads = 0
setup = function(thread)
  thread:set("nth", threads)
  threads = threads + 1
end
init = function(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  i = (nth * 97) % #paths
end
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d seconds=%.2f rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f " ..
    "errors=%d\n", summary.requests, summary.duration / 1e6,
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1e3,
    latency:percentile(90) / 1e3, latency:percentile(99) / 1e3, latency.max / 1e3,
    e.connect + e.read + e.write + e.status + e.timeout))
end
EOF

# ---- helpers ---------------------------------------------------------------------------

start_server() { # ARGS...: sets SERVER and U
    "$B/vnquery" serve --db "$DB" --listen 127.0.0.1:0 --threads "$SERVER_THREADS" \
        --per-ip 1000 --max-connections 1000 "$@" >"$T/serve.out" 2>"$T/serve.err" &
    SERVER=$!
    U=""
    for _ in $(seq 1 600); do
        U=$(sed -n 's|^vnquery serve: listening on \(http://[^/]*\)/.*|\1|p' "$T/serve.out" 2>/dev/null)
        [ -n "$U" ] && break
        kill -0 "$SERVER" 2>/dev/null || break
        sleep 0.05
    done
    if [ -z "$U" ]; then
        say "the server did not start:"; cat "$T/serve.err" >&2
        exit 1
    fi
    # Measure the server as it runs: with its copy of the index in memory.
    for _ in $(seq 1 1200); do
        curl -s "$U/healthz" | grep -q '"ready": true' && return 0
        kill -0 "$SERVER" 2>/dev/null || break
        sleep 0.1
    done
    say "the server did not load the index into memory:"; cat "$T/serve.err" >&2
    exit 1
}
stop_server() {
    kill -TERM "$SERVER"
    wait "$SERVER" || { say "the server exited $?"; cat "$T/serve.err" >&2; exit 1; }
    SERVER=""
}
field() { tr ' ' '\n' <"$2" | sed -n "s/^$1=//p"; }   # KEY FILE
pct() {  # P: the P-th percentile (nearest rank) of the numbers on stdin
    sort -g | awk -v p="$1" '{ v[NR] = $1 } END {
        if (NR == 0) { print "nan"; exit }
        r = int((p / 100) * NR + 0.999999); if (r < 1) r = 1; if (r > NR) r = NR
        printf "%.2f\n", v[r] }'
}
# run_wrk NAME: a warm-up of 3 s, then SECONDS_EACH s measured.
run_wrk() {
    wrk -t2 -c"$CONNS" -d3s -s "$T/mix.lua" "$U" "$T/paths" >/dev/null
    wrk -t2 -c"$CONNS" -d"${SECONDS_EACH}s" --timeout 10s -s "$T/mix.lua" "$U" "$T/paths" \
        >"$T/$1.wrk"
    grep '^RESULT' "$T/$1.wrk" | sed 's/^RESULT //' >"$T/$1"
    say "$1: $(cat "$T/$1")"
}

# ---- the server: uncached, then cached ------------------------------------------------------

say "server: $SERVER_THREADS threads; wrk: 2 threads, $CONNS connections, ${SECONDS_EACH} s a run"
start_server
say "one pass over the $NMIX requests: the time the server spends searching; fills the cache"
while IFS= read -r path; do
    curl -s "$U$path" | python3 -c 'import json, sys; print(json.load(sys.stdin)["took_ms"])'
done <"$T/paths" >"$T/took"
TOOK_P50=$(pct 50 <"$T/took") TOOK_P99=$(pct 99 <"$T/took")
TOOK_MEAN=$(awk '{ s += $1 } END { printf "%.2f\n", s / NR }' "$T/took")
CAPACITY=$(awk -v t="$SERVER_THREADS" -v m="$TOOK_MEAN" 'BEGIN { printf "%.0f\n", t * 1000 / m }')
say "search time in the server: p50 $TOOK_P50 ms, p99 $TOOK_P99 ms, mean $TOOK_MEAN ms"
run_wrk cached
curl -s "$U/healthz" >"$T/health"
stop_server
start_server --cache 0
run_wrk uncached
stop_server

# ---- the CLI, same queries ----------------------------------------------------------------------

say "the same $NMIX searches through the CLI, one process each"
while IFS=$'\t' read -r _ args; do
    t0=$(date +%s%N)
    eval "\"$B/vnquery\" --db \"\$DB\" $args" >/dev/null
    t1=$(date +%s%N)
    echo $(((t1 - t0) / 1000)) | awk '{ printf "%.3f\n", $1 / 1000 }'
done <"$T/mix.tsv" >"$T/cli"
CLI_P50=$(pct 50 <"$T/cli") CLI_P99=$(pct 99 <"$T/cli")
CLI_RPS=$(awk '{ s += $1 } END { printf "%.1f\n", NR / (s / 1000) }' "$T/cli")

# ---- the report ---------------------------------------------------------------------------------

target() { # NAME FILE
    awk -v n="$1" -v rps="$(field rps "$2")" -v p99="$(field p99_ms "$2")" 'BEGIN {
        ok = rps >= 1000 && p99 < 50
        printf "- %s: %s (%.0f searches/s, p99 %.1f ms; target at least 1,000/s with p99 under 50 ms)\n",
            n, ok ? "**met**" : "**missed**", rps, p99 }'
}
row() { # LABEL FILE
    printf '| %s | %s | %s | %s | %s | %s |\n' "$1" "$(field rps "$2")" "$(field p50_ms "$2")" \
        "$(field p90_ms "$2")" "$(field p99_ms "$2")" "$(field errors "$2")"
}
CPU=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
{
    echo "<!-- loadtest -->"
    echo "## The server under load (\`make loadtest\`)"
    echo
    echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC'), commit $COMMIT"
    echo "- Machine: $(nproc) cores, $CPU; load average before the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "- \`vnquery serve --threads $SERVER_THREADS\` on 127.0.0.1; wrk with 2 threads and $CONNS"
    echo "  connections, ${SECONDS_EACH} s per run after a 3 s warm-up, cycling through $NMIX"
    echo "  \`/api/search\` requests: the queries of \`bench/queries.txt\`, $NFILTER of them with a"
    echo "  date filter, a date order or page 2 (\`scripts/loadtest.sh\`)."
    echo
    echo "| Run | searches/s | p50, ms | p90, ms | p99, ms | errors |"
    echo "|---|---:|---:|---:|---:|---:|"
    row "HTTP, no cache (\`--cache 0\`)" "$T/uncached"
    row "HTTP, result cache (default)" "$T/cached"
    printf '| CLI, one process per search, one at a time | %s | %s | – | %s | – |\n' \
        "$CLI_RPS" "$CLI_P50" "$CLI_P99"
    echo
    echo "Where the time goes: searching. One pass over the mix before the cached run"
    echo "(every search new) took p50 $TOOK_P50 ms, p99 $TOOK_P99 ms, mean $TOOK_MEAN ms inside the"
    echo "server (took_ms), so $SERVER_THREADS threads can run at most about $CAPACITY uncached"
    echo "searches/s; under load, latency is that plus the wait behind the searches ahead"
    echo "(a worker answers its connections one at a time). Cache after the cached run:"
    echo "\`$(tr -d '\n' <"$T/health")\`."
    echo
    target "Without the cache" "$T/uncached"
    target "With the cache" "$T/cached"
    echo "<!-- /loadtest -->"
} >"$T/report.md"
echo
cat "$T/report.md"
if [ "$write" = 1 ]; then
    python3 - "$OUT" "$T/report.md" <<'EOF'
import re, sys
path, report = sys.argv[1], open(sys.argv[2], encoding="utf-8").read()
try:
    text = open(path, encoding="utf-8").read()
except FileNotFoundError:
    text = ""
block = re.compile(r"<!-- loadtest -->.*?<!-- /loadtest -->\n?", re.S)
text = block.sub(lambda m: report, text) if block.search(text) else text.rstrip("\n") + "\n\n" + report
open(path, "w", encoding="utf-8").write(text)
EOF
    say "wrote the results into $OUT"
fi
