#!/bin/bash
# eval.sh: ranking quality of vnsearch against SQLite FTS5's unicode61
# tokenizer (remove_diacritics 2), both on the 35,440-article corpus in the
# same run. Run as `make eval` (which builds build/vnindex and
# build/vnquery); prints a table and the queries ours did not answer
# perfectly, and rewrites the section of BENCHMARKS.md between the lines
# "<!-- eval -->" and "<!-- /eval -->" (created after "<!-- notes -->"),
# leaving the rest of the file alone.
#
# Needs ../shared/corpus/vinews-35k.tar.xz (skips, exit 0, without it) and
# python3. Unpacks into a temporary folder removed at exit; the query sets
# (corpus text) stay there. EVAL_KEEP=DIR copies the query sets and the
# full report into DIR. VNINDEX and VNQUERY name other binaries to measure.
set -eu
cd "$(dirname "$0")/.."

CORPUS=../shared/corpus/vinews-35k.tar.xz
OUT=BENCHMARKS.md
VNINDEX=${VNINDEX:-build/vnindex}
VNQUERY=${VNQUERY:-build/vnquery}

if [ ! -f "$CORPUS" ]; then
    echo "eval: ../shared/corpus/vinews-35k.tar.xz not found, skipping"
    exit 0
fi
for tool in "$VNINDEX" "$VNQUERY"; do
    [ -x "$tool" ] || { echo "eval: $tool missing: run make eval" >&2; exit 1; }
done
command -v python3 >/dev/null || { echo "eval: python3 missing" >&2; exit 1; }

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM
say() { echo "eval: $*" >&2; }

say "unpacking $CORPUS into $T"
tar -xJf "$CORPUS" -C "$T"
DOCS=$T/vinews

say "indexing with $VNINDEX"
"$VNINDEX" --db "$T/ours.db" --quiet "$DOCS" || { say "vnindex failed"; exit 1; }
say "drawing the query sets (bench/eval_make.py)"
python3 bench/eval_make.py queries "$T/ours.db" "$T/queries.json"
say "loading the baseline"
python3 bench/eval_make.py baseline "$T/ours.db" "$T/base.db"
say "searching"
python3 bench/eval_make.py run "$T/ours.db" "$T/base.db" "$T/queries.json" \
    "$VNQUERY" "$OUT" | tee "$T/report.txt"
if [ -n "${EVAL_KEEP:-}" ]; then
    mkdir -p "$EVAL_KEEP"
    cp "$T/queries.json" "$T/report.txt" "$EVAL_KEEP/"
    say "query sets and report copied to $EVAL_KEEP"
fi
say "finished in ${SECONDS} s"
