# The query side over corpus/: date filters and sorting, the accent-free
# retry, Telex and VNI rescue, "did you mean", abbreviations. See
# corpus/README.md for the facts each check relies on.
. "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/../.."
DB=$TMP/corpus.db
STAFF=2023-07-20-tinh-gian-bien-che-2023-2026.txt
"$VNINDEX" --db "$DB" --quiet corpus || fail "index corpus"

# field JSON EXPR: a Python expression over the parsed JSON d
field() { printf '%s' "$1" | python3 -c "import json,sys; d=json.load(sys.stdin); print($2)"; }
q() { "$VNQUERY" --db "$DB" --json "$@"; }

# ---- dates and sorting
out=$(q --limit 100 --since 2023 --until 2023-06 cong chuc)
equals "--since 2023 --until 2023-06: every date inside" \
    "$(field "$out" "all('2023-01-01' <= r['date'] <= '2023-06-30' for r in d['results'])")" True
equals "--since/--until reported in JSON" "$(field "$out" "d['since'], d['until']")" "2023-01-01 2023-06-30"
all=$(field "$(q --limit 100 cong chuc)" "d['total']")
some=$(field "$out" "d['total']")
ok "a date range keeps fewer articles ($some of $all)" test "$some" -lt "$all" -a "$some" -gt 0
# dated DESC: the dates in order, then the undated ones
dated() { field "$1" "[r['date'] for r in d['results'] if r['date']]"; }
undated_last() { field "$1" "all(r['date'] is None for r in d['results'][len([x for x in d['results'] if x['date']]):])"; }
printf 'Ngành Nội vụ, công chức trẻ: một bài không ghi ngày\n\nBài viết về công chức không có ngày tháng.\n' >"$TMP/undated.txt"
"$VNINDEX" --db "$DB" --quiet "$TMP/undated.txt" || fail "index an undated article"
out=$(q --limit 100 --sort date cong chuc)
equals "--sort date: newest first" "$(dated "$out")" \
    "$(field "$out" "sorted([r['date'] for r in d['results'] if r['date']], reverse=True)")"
equals "--sort date: undated last" "$(undated_last "$out")" True
ok "--sort date: the undated article is there" test "$(field "$out" "sum(r['date'] is None for r in d['results'])")" -ge 1
out=$(q --limit 100 --sort date-asc cong chuc)
equals "--sort date-asc: oldest first" "$(dated "$out")" \
    "$(field "$out" "sorted(r['date'] for r in d['results'] if r['date'])")"
equals "--sort date-asc: undated last" "$(undated_last "$out")" True
equals "--sort date: same total as relevance" "$(field "$out" "d['total']")" \
    "$(field "$(q cong chuc)" "d['total']")"
out=$(q --since 2024-02-30 x 2>&1); rc=$?
equals "--since 2024-02-30: usage error" "$rc" 2
contains "--since 2024-02-30: says what a date is" "$out" "YYYY-MM-DD"
out=$(q --sort newest x 2>&1); rc=$?
equals "--sort newest: usage error" "$rc" 2
out=$(q --since 2024 --until 2023 x 2>&1); rc=$?
equals "--since after --until: usage error" "$rc" 2

# ---- accents: exact when typed, relaxed retry when nothing matches
out=$(q "bổ nhiệm trưởng phòng")
equals "accented query that matches: not relaxed" "$(field "$out" "d['relaxed']")" False
out=$(q "bổ nhiệm trưỡng phòng")
equals "wrong tone, nothing as typed: relaxed" "$(field "$out" "d['relaxed']")" True
ok "relaxed search finds the appointment" test "$(field "$out" "d['total']")" -gt 0
out=$("$VNQUERY" --db "$DB" "bổ nhiệm trưỡng phòng")
contains "text output says the search was relaxed" "$out" "đã tìm không dấu"

# ---- Telex and VNI typed with the input method off
for typed in "tinh giarn bieen chees" "tinh gia3n bie6n che61"; do
    out=$(q --limit 1 $typed)
    equals "'$typed': searched as tinh giản biên chế" "$(field "$out" "d['searched']")" "tinh giản biên chế"
    contains "'$typed': the staff-reduction article first" "$(field "$out" "d['results'][0]['path']")" "$STAFF"
done
out=$("$VNQUERY" --db "$DB" --limit 1 tinh giarn bieen chees)
contains "text output: Đã tìm" "$out" "Đã tìm: tinh giản biên chế"
out=$(q tinh gian bien che)
equals "plain words the index knows: not rewritten" "$(field "$out" "d['searched']")" None

# ---- did you mean
out=$(q "tinh gian bien chee")
equals "misspelt word: no results" "$(field "$out" "d['total']")" 0
equals "misspelt word: suggestion" "$(field "$out" "d['suggestion']")" "tinh gian bien chế"
out=$("$VNQUERY" --db "$DB" "cai cach hanh chinhh")
contains "text output: Có phải bạn muốn tìm" "$out" "Có phải bạn muốn tìm: cai cach hanh chính"
out=$(q "xyzzyqwv")
equals "nothing near: no suggestion" "$(field "$out" "d['suggestion']")" None

# ---- abbreviations
n_abbr=$(field "$(q --limit 100 '"UBND"')" "d['total']")
n_full=$(field "$(q --limit 100 '"Ủy ban nhân dân"')" "d['total']")
n_both=$(field "$(q --limit 100 UBND)" "d['total']")
ok "UBND finds more than the letters alone ($n_both > $n_abbr)" test "$n_both" -gt "$n_abbr"
ok "UBND finds Ủy ban nhân dân too ($n_both >= $n_full)" test "$n_both" -ge "$n_full"
out=$(q --limit 100 "ủy ban nhân dân")
ok "ủy ban nhân dân finds UBND too" test "$(field "$out" "d['total']")" -ge "$n_abbr"
out=$(q --limit 100 CBCCVC)
contains "CBCCVC finds the spelled-out form" "$out" "\u003cmark\u003ecán bộ"
printf 'SNV = Sở Nội vụ\n' >"$TMP/syn.txt"
n_user=$(field "$(q --synonyms "$TMP/syn.txt" --limit 100 SNV)" "d['total']")
ok "--synonyms FILE adds a group (SNV: $n_user)" test "$n_user" -gt 0
printf -- '-UBND   # our articles say UBND only for the letters\n' >"$TMP/forget.txt"
n_forgot=$(field "$(q --synonyms "$TMP/forget.txt" --limit 100 UBND)" "d['total']")
equals "--synonyms FILE with -UBND: UBND finds only the letters ($n_forgot)" "$n_forgot" "$n_abbr"
n_forgot=$(field "$(q --synonyms "$TMP/forget.txt" --limit 100 "ủy ban nhân dân")" "d['total']")
equals "--synonyms FILE with -UBND: ủy ban nhân dân no longer finds UBND" "$n_forgot" "$n_full"
printf 'SNV = \n' >"$TMP/bad.txt"
out=$(q --synonyms "$TMP/bad.txt" SNV 2>&1); rc=$?
equals "--synonyms with a bad line: usage error" "$rc" 2
contains "--synonyms with a bad line: names file and line" "$out" "bad.txt:1"
out=$(q --synonyms "$TMP/missing.txt" SNV 2>&1); rc=$?
equals "--synonyms with a missing file: usage error" "$rc" 2

# ---- typed without marks: the commonest reading first among equals
mkdir -p "$TMP/reading"
cp corpus/*.txt "$TMP/reading/"
printf 'Ghi chép ngày thứ hai\n\nBuổi sáng bàn chuyện tình gian biển chè ở xóm.\n' \
    >"$TMP/reading/0000-a-other-reading.txt"
printf 'Ghi chép ngày thứ hai\n\nBuổi sáng bàn chuyện tinh giản biên chế ở xóm.\n' \
    >"$TMP/reading/0000-b-common-reading.txt"
RDB=$TMP/reading.db
"$VNINDEX" --db "$RDB" --quiet "$TMP/reading" || fail "index the reading archive"
out=$("$VNQUERY" --db "$RDB" --json --limit 40 tinh gian bien che)
rank() { field "$out" "[i for i, r in enumerate(d['results']) if '$1' in r['path']][0]"; }
ok "tinh gian bien che: the article reading tinh giản biên chế before its twin" \
    test "$(rank 0000-b-common)" -lt "$(rank 0000-a-other)"
out=$("$VNQUERY" --db "$RDB" --json --limit 40 "tình gian biển chè")
equals "typed with marks: only the reading typed" \
    "$(field "$out" "[r['path'].rsplit('/', 1)[1] for r in d['results']]")" "['0000-a-other-reading.txt']"

# ---- punctuation breaks a phrase; the phrase holds the same punctuation
mkdir -p "$TMP/punct"
printf 'Hợp tác\n\nHai bên bàn về hợp tác công nghiệp. Tại hội nghị, các đại biểu góp ý.\n' \
    >"$TMP/punct/across.txt"
printf 'Công nghiệp tại chỗ\n\nPhát triển công nghiệp tại địa phương là mục tiêu.\n' \
    >"$TMP/punct/inside.txt"
PDB=$TMP/punct.db
"$VNINDEX" --db "$PDB" --quiet "$TMP/punct" || fail "index the punctuation archive"
out=$("$VNQUERY" --db "$PDB" --json '"công nghiệp tại"')
equals "a phrase does not run across a full stop" \
    "$(field "$out" "[r['path'].rsplit('/', 1)[1] for r in d['results']]")" "['inside.txt']"
out=$("$VNQUERY" --db "$PDB" --json '"công nghiệp. Tại"')
equals "a phrase typed with the full stop finds it" \
    "$(field "$out" "[r['path'].rsplit('/', 1)[1] for r in d['results']]")" "['across.txt']"
out=$("$VNQUERY" --db "$PDB" --json cong nghiep tai)
equals "unquoted: both, the adjacent reading first" \
    "$(field "$out" "[r['path'].rsplit('/', 1)[1] for r in d['results']]")" "['inside.txt', 'across.txt']"

# ---- abbreviations: the form typed first among equals
mkdir -p "$TMP/abbr"
printf 'Ghi chép buổi họp\n\nBuổi họp của Ủy ban nhân dân phường bàn việc dọn vệ sinh.\n' \
    >"$TMP/abbr/0000-a-full.txt"
# the same length in words (UBND plus three), so that the scores tie
printf 'Ghi chép buổi họp\n\nBuổi họp của UBND phường hôm ấy nữa bàn việc dọn vệ sinh.\n' \
    >"$TMP/abbr/0000-b-abbr.txt"
ADB=$TMP/abbr.db
"$VNINDEX" --db "$ADB" --quiet "$TMP/abbr" || fail "index the abbreviation archive"
out=$("$VNQUERY" --db "$ADB" --json UBND)
equals "UBND typed, equal scores: the article reading UBND first, then Ủy ban nhân dân" \
    "$(field "$out" "d['results'][0]['score'] == d['results'][1]['score']")" True
equals "UBND typed: the article reading UBND first (though indexed second)" \
    "$(field "$out" "[r['path'].rsplit('/', 1)[1] for r in d['results']]")" "['0000-b-abbr.txt', '0000-a-full.txt']"
out=$("$VNQUERY" --db "$ADB" --json ủy ban nhân dân phường)
equals "Ủy ban nhân dân typed: that article first, then UBND" \
    "$(field "$out" "[r['path'].rsplit('/', 1)[1] for r in d['results']]")" "['0000-a-full.txt', '0000-b-abbr.txt']"

# ---- arguments starting with '-' are query text, no -- needed
# names JSON: the file names of the results, sorted, space-separated
names() { field "$1" "' '.join(sorted(r['path'].rsplit('/', 1)[1] for r in d['results']))"; }
out=$(q --limit 100 '-"chỉ số" "cải cách hành chính"' 2>&1); rc=$?
equals "'-\"chỉ số\" \"cải cách hành chính\"' as one argument: exit 0" "$rc" 0
# (2022-12-08 has the phrase only in its breadcrumb, which is not indexed)
equals "'-\"chỉ số\" \"cải cách hành chính\"': the phrase's articles but the one with chỉ số" \
    "$(names "$out")" "2022-01-14-tong-ket-nam-2021.txt 2022-07-28-thanh-nien-tinh-nguyen-he.txt 2023-01-12-tong-ket-thi-dua-2022.txt 2023-12-14-tong-ket-cai-cach-hanh-chinh-2023.txt"
# the shell hands vnquery `-hành chính` (one argument, quotes removed)
out=$(q --limit 100 cải cách -"hành chính" 2>&1); rc=$?
equals "cải cách -\"hành chính\" (shell-unquoted): exit 0" "$rc" 0
equals "cải cách -hành chính: cải, cách and chính without hành" "$(names "$out")" \
    "2022-09-30-trao-khen-thuong-nganh-noi-vu.txt"
for arg in -x '-*' '-"' -; do
    out=$("$VNQUERY" --db "$DB" "$arg" 2>&1); rc=$?
    equals "'$arg' alone: exit 0" "$rc" 0
    contains "'$arg' alone: searched, nothing found" "$out" "No results"
done
out=$(q --limit 100 -ủy ban 2>&1); rc=$?
equals "-ủy ban: exit 0" "$rc" 0
equals "-ủy ban: the same as after --" "$(names "$out")" "$(names "$(q --limit 100 -- -ủy ban)")"
ok "-ủy ban: some articles, none holding ủy or uỷ" python3 -c '
import json, sys, unicodedata
d = json.loads(sys.argv[1])
assert d["total"] > 0 and d["query"] == "-ủy ban", d
for r in d["results"]:
    t = unicodedata.normalize("NFC", open(r["path"], encoding="utf-8").read()).lower()
    assert "ủy" not in t and "uỷ" not in t, r["path"]' "$out"
out=$(q --limit 100 -dân cong chuc 2>&1); rc=$?
equals "-dân (d is --db's letter): query text, exit 0" "$rc" 0
equals "-dân cong chuc: the query echoed whole" "$(field "$out" "d['query']")" "-dân cong chuc"
out=$(q tinh gian -h 2>&1); rc=$?
equals "-h after the first word is query text: exit 0" "$rc" 0
equals "-h after the first word: searched" "$(field "$out" "d['query']")" "tinh gian -h"
out=$(q -n 3 --offset=1 cong chuc 2>&1); rc=$?
equals "options still work before the query (-n 3 --offset=1)" \
    "$(field "$out" "(d['limit'], d['offset'], len(d['results']))")" "(3, 1, 3)"
out=$("$VNQUERY" --db "$DB" --limt 3 cong 2>&1); rc=$?
equals "a misspelt --option is misuse, not query text: exit 2" "$rc" 2
contains "a misspelt --option: named" "$out" "--limt"
out=$("$VNQUERY" --db "$DB" --json -- --limit 3 2>&1); rc=$?
equals "after --, an option's name is query text" "$(field "$out" "d['query']")" "--limit 3"
out=$("$VNQUERY" serve --help 2>&1); rc=$?
equals "serve --help: exit 0" "$rc" 0
contains "serve --help: serve's usage" "$out" "Usage: vnquery serve"

# ---- the query length limit: refused, and said so
long=$(head -c 10001 /dev/zero | tr '\0' a)
out=$("$VNQUERY" --db "$DB" "$long" 2>&1); rc=$?
equals "a 10,001-byte query: exit 2" "$rc" 2
equals "a 10,001-byte query: refused, with the limit" "$out" \
    "vnquery: query too long: 10001 bytes, the limit is 10000"
out=$("$VNQUERY" --db "$DB" "${long:1}" 2>&1); rc=$?
equals "a 10,000-byte query is searched: exit 0" "$rc" 0

# ---- abbreviations as OR operands and excluded
# (HĐND: 5 articles, one of them, 2024-01-11, only as Hội đồng nhân dân)
hdnd="2022-05-26-uy-ban-sap-xep-khu-pho-ap.txt 2023-05-18-gap-go-cong-chuc-tre.txt 2023-08-24-lay-y-kien-sap-xep-don-vi-hanh-chinh.txt 2024-01-11-tong-ket-nganh-noi-vu-2023.txt 2024-06-20-hdnd-thong-qua-sap-xep-cap-xa.txt"
equals "HĐND: its articles, Hội đồng nhân dân included" "$(names "$(q --limit 100 HĐND)")" "$hdnd"
equals "HĐND OR xyzzyqwv: the same articles as HĐND" "$(names "$(q --limit 100 HĐND OR xyzzyqwv)")" "$hdnd"
equals "xyzzyqwv OR HĐND: the same" "$(names "$(q --limit 100 xyzzyqwv OR HĐND)")" "$hdnd"
n_u=$(field "$(q --limit 100 UBND)" "d['total']")
n_uh=$(field "$(q --limit 100 UBND OR HĐND)" "d['total']")
ok "UBND OR HĐND finds at least what UBND finds ($n_uh >= $n_u)" test "$n_uh" -ge "$n_u"
out=$(q --limit 100 cong chuc -HĐND)
ok "cong chuc -HĐND: excludes Hội đồng nhân dân too" python3 -c '
import json, sys, unicodedata
d = json.loads(sys.argv[1])
assert d["total"] > 0, d
for r in d["results"]:
    t = unicodedata.normalize("NFC", open(r["path"], encoding="utf-8").read())
    assert "HĐND" not in t and "Hội đồng nhân dân" not in t, r["path"]' "$out"
lacks "cong chuc -HĐND: not the article saying only Hội đồng nhân dân" "$(names "$out")" "2024-01-11"
out=$(q --limit 100 cong chuc -UBND)
ok "cong chuc -UBND: no article saying Ủy ban nhân dân (or Uỷ ban nhân dân) either" python3 -c '
import json, sys, unicodedata
d = json.loads(sys.argv[1])
assert d["total"] > 0, d
for r in d["results"]:
    t = unicodedata.normalize("NFC", open(r["path"], encoding="utf-8").read()).lower()
    assert "ubnd" not in t and "ủy ban nhân dân" not in t and "uỷ ban nhân dân" not in t, r["path"]' "$out"
n_q=$(field "$(q --limit 100 cong chuc '-"UBND"')" "d['total']")
ok "cong chuc -\"UBND\" (quoted: the letters only) keeps more ($n_q > $(field "$out" "d['total']"))" \
    test "$n_q" -gt "$(field "$out" "d['total']")"

# ---- "did you mean" also when other words found something
out=$(q bien chee OR tinh)
ok "bien chee OR tinh: results" test "$(field "$out" "d['total']")" -gt 0
equals "bien chee OR tinh: the unknown word still gets a suggestion" \
    "$(field "$out" "d['suggestion']")" "bien chế OR tinh"
out=$("$VNQUERY" --db "$DB" --limit 1 bien chee OR tinh)
contains "text output with results: Có phải bạn muốn tìm" "$out" "Có phải bạn muốn tìm: bien chế OR tinh"
contains "text output with results: the results too" "$out" "Results 1-1 of"
out=$(q tinh gian bien che)
equals "every word known: no suggestion" "$(field "$out" "d['suggestion']")" None
out=$(q bie* OR tinh)
equals "a prefix that found something is no typo" "$(field "$out" "d['suggestion']")" None
printf 'SNVX = Sở Nội vụ\n' >"$TMP/snvx.txt"
out=$(q --synonyms "$TMP/snvx.txt" SNVX)
ok "an abbreviation the articles never write: found through its group" \
    test "$(field "$out" "d['total']")" -gt 0
equals "an abbreviation found through its group: no suggestion" "$(field "$out" "d['suggestion']")" None

# ---- words of deleted articles: neither rescued to nor suggested
mkdir -p "$TMP/stale"
cp corpus/*.txt "$TMP/stale/"
printf 'Máy khuếch đại\n\nBài thử: chiếc máy khuếch đại âm thanh của hội trường, gõ nhầm biênn chế.\n' \
    >"$TMP/stale/0000-unique-word.txt"
SDB=$TMP/stale.db
"$VNINDEX" --db "$SDB" --quiet "$TMP/stale" || fail "index the archive with a unique word"
sq() { "$VNQUERY" --db "$SDB" --json "$@"; }
out=$(sq khueechs)
equals "unique word indexed: Telex khueechs is rescued to it" "$(field "$out" "d['searched']")" "khuếch"
equals "unique word indexed: khuechh suggests it" "$(field "$(sq khuechh)" "d['suggestion']")" "khuếch"
rm "$TMP/stale/0000-unique-word.txt"
"$VNINDEX" --db "$SDB" --quiet "$TMP/stale" || fail "reindex after deleting the article"
equals "its article deleted: the word is gone from the index" "$(field "$(sq '"khuếch"')" "d['total']")" 0
out=$(sq khueechs)
equals "its article deleted: khueechs is not rescued to it" "$(field "$out" "d['searched']")" None
out=$("$VNQUERY" --db "$SDB" khueechs)
lacks "its article deleted: no 'Đã tìm: khuếch'" "$out" "Đã tìm"
out=$(sq khuechh)
lacks "its article deleted: khuechh does not suggest it" "$(field "$out" "d['suggestion']")" "khuếch"
out=$(sq khue6ch1)
equals "its article deleted: VNI khue6ch1 is not rescued to it" "$(field "$out" "d['searched']")" None
out=$(sq cong chuc khuechh)
lacks "its article deleted: not suggested beside other words either" "$(field "$out" "d['suggestion']")" "khuếch"
equals "its article deleted: its typo biênn is a typo again (Có phải bạn muốn tìm: biên chế)" \
    "$(field "$(sq biênn chế)" "d['suggestion']")" "biên chế"

# ---- Telex and VNI decode literally: f (Telex) and 2 (VNI) are huyền
for typed in "tinhf giarn bieen chees" "tinh2 gia3n bie6n che61"; do
    out=$(q $typed)
    equals "'$typed': decoded as typed, tình giản biên chế" "$(field "$out" "d['searched']")" "tình giản biên chế"
    equals "'$typed': the one article holding the four words" "$(names "$out")" \
        "2023-03-16-tap-huan-nghiep-vu-van-thu.txt"
done
out=$("$VNQUERY" --db "$DB" tinhf giarn bieen chees)
contains "text output: Đã tìm: tình giản biên chế" "$out" "Đã tìm: tình giản biên chế"
out=$("$VNQUERY" --db "$DB" tinh giarn bieen chees)
contains "tinh giarn bieen chees: Đã tìm: tinh giản biên chế" "$out" "Đã tìm: tinh giản biên chế"
for typed in dduwowngf d9u7o7ng2; do
    out=$(q $typed)
    equals "'$typed': searched as đường" "$(field "$out" "d['searched']")" "đường"
    equals "'$typed': the article with đường" "$(names "$out")" "2022-12-08-dich-vu-cong-truc-tuyen.txt"
done

# ---- the query language over corpus/: which articles are found, which not
n() { field "$(q --limit 100 "$@")" "d['total']"; }
equals '"đổi mới sáng tạo": only the article with the phrase' \
    "$(names "$(q --limit 100 '"đổi mới sáng tạo"')")" "2023-04-13-ke-hoach-ung-dung-cong-nghe-so.txt"
equals "đổi mới sáng tạo unquoted: also the article with the words apart" \
    "$(names "$(q --limit 100 đổi mới sáng tạo)")" \
    "2023-04-13-ke-hoach-ung-dung-cong-nghe-so.txt 2023-05-18-gap-go-cong-chuc-tre.txt"
equals '"sáng tạo đổi mới": a phrase keeps its order, nothing' "$(n '"sáng tạo đổi mới"')" 0
equals "đổi mới sáng tạo -buổi: not the article with buổi sáng" \
    "$(names "$(q --limit 100 đổi mới sáng tạo -buổi)")" "2023-04-13-ke-hoach-ung-dung-cong-nghe-so.txt"
# (29 of corpus/ and the undated article added above; buổi is in 8 of
# them, all with cong chuc, and buổi sáng only in 2023-05-18)
all=$(n cong chuc)
equals "cong chuc: every article of corpus/ but one, and the undated one" "$all" 30
equals "cong chuc -buổi: the 8 articles with buổi left out" "$(n cong chuc -buổi)" $((all - 8))
out=$(q --limit 100 cong chuc '-"buổi sáng"')
equals 'cong chuc -"buổi sáng": only the article with the phrase left out' \
    "$(field "$out" "d['total']")" $((all - 1))
lacks 'cong chuc -"buổi sáng": 2023-05-18 is the one' "$(names "$out")" "2023-05-18"
equals '"tín ngưỡng" OR "dịch vụ công trực tuyến": the one article of each' \
    "$(names "$(q --limit 100 '"tín ngưỡng"' OR '"dịch vụ công trực tuyến"')")" \
    "2022-06-16-tap-huan-tin-nguong-ton-giao.txt 2022-12-08-dich-vu-cong-truc-tuyen.txt"
equals "tín ngưỡng dịch vụ (no OR): no article has both" "$(n '"tín ngưỡng"' '"dịch vụ công trực tuyến"')" 0
equals "title:tuyển: the three titles with tuyển" "$(names "$(q --limit 100 title:tuyển)")" \
    "2022-08-25-thi-tuyen-cong-chuc-2022.txt 2023-09-21-tuyen-dung-vien-chuc-giao-duc.txt 2023-11-09-boi-duong-ki-nang-cong-chuc-tre.txt"
equals "khen thưởng: 7 articles" "$(n khen thưởng)" 7
equals 'title:"khen thưởng": the one title (an NFD file)' \
    "$(names "$(q --limit 100 'title:"khen thưởng"')")" "2022-09-30-trao-khen-thuong-nganh-noi-vu.txt"
equals 'title:"Uỷ ban": the one title' "$(names "$(q --limit 100 'title:"Uỷ ban"')")" \
    "2022-05-26-uy-ban-sap-xep-khu-pho-ap.txt"
equals "ngưỡ (no star): no such word" "$(n ngưỡ)" 0
equals "ngưỡn*: the article with tín ngưỡng" "$(names "$(q --limit 100 'ngưỡn*')")" \
    "2022-06-16-tap-huan-tin-nguong-ton-giao.txt"
equals "thưở*: the 7 articles with khen thưởng" "$(names "$(q --limit 100 'thưở*')")" \
    "$(names "$(q --limit 100 khen thưởng)")"

# ---- --offset: the next page, the same total
p1=$(q --limit 5 cong chuc)
p2=$(q --limit 5 --offset 5 cong chuc)
equals "--offset 5: the same total" "$(field "$p2" "d['total']")" "$(field "$p1" "d['total']")"
equals "--offset 5: ranks 6 to 10" "$(field "$p2" "[r['rank'] for r in d['results']]")" "[6, 7, 8, 9, 10]"
ok "--offset 5: page 2 holds none of page 1" python3 -c '
import json, sys
a = {r["path"] for r in json.loads(sys.argv[1])["results"]}
b = {r["path"] for r in json.loads(sys.argv[2])["results"]}
assert len(a) == 5 and len(b) == 5 and not a & b, (a, b)' "$p1" "$p2"
equals "--offset 5 is the second half of --limit 10" \
    "$(field "$p2" "[r['path'] for r in d['results']]")" \
    "$(field "$(q --limit 10 cong chuc)" "[r['path'] for r in d['results']][5:]")"
out=$("$VNQUERY" --db "$DB" --limit 5 --offset 5 cong chuc)
contains "text output: Results 6-10 of $all" "$out" "Results 6-10 of $all"

# ---- one city, however written
hcm="2022-01-14-tong-ket-nam-2021.txt 2022-04-21-chi-so-cai-cach-hanh-chinh.txt 2022-05-26-uy-ban-sap-xep-khu-pho-ap.txt 2022-08-25-thi-tuyen-cong-chuc-2022.txt 2023-06-22-bo-nhiem-pho-giam-doc-so.txt 2023-11-14-gap-mat-chuc-sac-ton-giao.txt 2024-01-11-tong-ket-nganh-noi-vu-2023.txt 2024-04-18-co-so-du-lieu-cbccvc.txt 2024-06-20-hdnd-thong-qua-sap-xep-cap-xa.txt"
for form in TP.HCM TPHCM "TP HCM" "TP. Hồ Chí Minh" "tp.hcm"; do
    # shellcheck disable=SC2086
    equals "$form: the 9 articles with TP.HCM or Thành phố Hồ Chí Minh" "$(names "$(q --limit 100 $form)")" "$hcm"
done
equals '"TP.HCM" quoted: only the two articles that write it so' "$(names "$(q --limit 100 '"TP.HCM"')")" \
    "2022-04-21-chi-so-cai-cach-hanh-chinh.txt 2024-01-11-tong-ket-nganh-noi-vu-2023.txt"
