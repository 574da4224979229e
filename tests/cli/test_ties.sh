# Equal scores, whatever the page (issue 4): among equally relevant
# articles, those reading the query as typed come first, and for a query
# typed without marks, those reading the form most articles in the index
# hold. A page that cuts a run of equals must not change which comes
# first: --limit and --offset see the same order as one long page.
. "$(dirname "$0")/lib.sh"

A=$TMP/art
mkdir -p "$A"
# Three longer articles, each different, spell it "tinh giản biên chế":
# the form most of the index holds.
for i in 1 2 3; do
    printf 'Báo cáo số %d\n\nSở tiếp tục tinh giản biên chế theo kế hoạch năm thứ %d, rà soát vị trí việc làm và sắp xếp lại các phòng ban trực thuộc.\n' \
        "$i" "$i" >"$A/common-$i.txt"
done
# Three twins of one shape, so their scores tie: two read other words
# that fold alike, and are indexed first (lower ids win ties by id).
printf 'Tin ngắn\n\nBài viết về tình gian biển chè ở phường.\n' >"$A/a-twin.txt"
printf 'Tin ngắn\n\nBài viết về tình gian biển chè ở phường.\n' >"$A/b-twin.txt"
printf 'Tin ngắn\n\nBài viết về tinh giản biên chế ở phường.\n' >"$A/c-twin.txt"
# UBND typed: two articles of the same length in words, one reading the
# letters, one the words they stand for (indexed first).
printf 'Ghi chép\n\nBuổi họp của Ủy ban nhân dân phường bàn việc dọn vệ sinh.\n' >"$A/d-words.txt"
printf 'Ghi chép\n\nBuổi họp của UBND phường hôm ấy nữa bàn việc dọn vệ sinh.\n' >"$A/e-letters.txt"

DB=$TMP/t.db
"$VNINDEX" --quiet --db "$DB" "$A" || fail "index the tie archive"

# paths Q ARGS...: the result files, one word each, in order.
paths() {
    local q=$1
    shift
    "$VNQUERY" --db "$DB" --json "$@" "$q" | python3 -c '
import json, os, sys
d = json.load(sys.stdin)
print(" ".join(os.path.basename(h["path"]) for h in d["results"]))'
}

all=$(paths "tinh gian bien che" --limit 20)
twins=$(echo "$all" | tr ' ' '\n' | grep twin | tr '\n' ' ')
equals "tinh gian bien che: of three tied twins, the one reading the index's commonest form first" \
    "$twins" "c-twin.txt a-twin.txt b-twin.txt "
equals "the twins, shorter, come before the three longer articles" \
    "$(echo "$all" | cut -d' ' -f1-3)" "c-twin.txt a-twin.txt b-twin.txt"
equals "--limit 1: the page holds the first of the run of equals" \
    "$(paths "tinh gian bien che" --limit 1)" "c-twin.txt"
equals "--offset 1 --limit 1: the run of equals cut on both sides keeps its order" \
    "$(paths "tinh gian bien che" --offset 1 --limit 1)" "a-twin.txt"
equals "--offset 1 --limit 2: the same order as the long page" \
    "$(paths "tinh gian bien che" --offset 1 --limit 2)" "a-twin.txt b-twin.txt"
equals "--offset 2 --limit 2: from the run's end into the next" \
    "$(paths "tinh gian bien che" --offset 2 --limit 2)" "$(echo "$all" | cut -d' ' -f3-4)"
total=$("$VNQUERY" --db "$DB" --json --offset 2 --limit 1 "tinh gian bien che" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(d["total"], [h["rank"] for h in d["results"]])')
equals "--offset 2 --limit 1: the total of every match and rank 3" "$total" "6 [3]"

equals "UBND typed, one long page: the article reading UBND first" \
    "$(paths UBND --limit 10)" "e-letters.txt d-words.txt"
equals "UBND typed, --limit 1: still the article reading UBND" \
    "$(paths UBND --limit 1)" "e-letters.txt"
equals "UBND typed, --offset 1 --limit 1: then the one reading Ủy ban nhân dân" \
    "$(paths UBND --offset 1 --limit 1)" "d-words.txt"
# By date no equals are reordered: the pages join up into the long page.
equals "by date: --limit 1 and --offset 1 --limit 1 make the long page" \
    "$(paths UBND --sort date --limit 1) $(paths UBND --sort date --offset 1 --limit 1)" \
    "$(paths UBND --sort date --limit 10)"

# A run of equals longer than vn_store reads around a page (32 rows each
# side): paging through it must show every twin exactly once.
B=$TMP/many
mkdir -p "$B"
for i in $(seq -w 1 90); do
    if [ $((10#$i % 3)) -eq 0 ]; then w='tinh giản biên chế'; else w='tình gian biển chè'; fi
    printf 'Tin ngắn\n\nBài viết về %s ở phường.\n' "$w" >"$B/twin-$i.txt"
done
"$VNINDEX" --quiet --db "$TMP/many.db" "$B" || fail "index the 90 twins"
pages=""
for off in $(seq 0 10 80); do
    pages="$pages $("$VNQUERY" --db "$TMP/many.db" --json --limit 10 --offset "$off" \
        "tinh gian bien che" | python3 -c '
import json, os, sys
print(" ".join(os.path.basename(h["path"]) for h in json.load(sys.stdin)["results"]))')"
done
equals "90 tied twins, 9 pages of 10: 90 results" "$(echo $pages | wc -w)" 90
equals "90 tied twins, 9 pages of 10: none twice, none missing" \
    "$(echo $pages | tr ' ' '\n' | sort -u | wc -l)" 90
