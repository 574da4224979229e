# End to end over corpus/: vnindex builds the index, vnquery finds the
# right articles however the words are typed. See corpus/README.md for
# the facts each check relies on.
. "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/../.."
DB=$TMP/corpus.db
STAFF=2023-07-20-tinh-gian-bien-che-2023-2026.txt
UYBAN=2022-05-26-uy-ban-sap-xep-khu-pho-ap.txt

# first_path QUERY...: the path of the first result
first_path() { "$VNQUERY" --db "$DB" --json --limit 1 "$@" | python3 -c '
import json, sys
r = json.load(sys.stdin)["results"]
print(r[0]["path"] if r else "")'; }

out=$("$VNINDEX" --db "$DB" corpus 2>&1); rc=$?
equals "index corpus: exit 0" "$rc" 0
contains "index corpus: summary counts 30 added" "$out" "30 added, 0 updated, 0 removed, 0 unchanged, 0 failed"

# The same four syllables typed four ways find the staff-reduction article
for q in "tinh giản biên chế" "tinh gian bien che" "TINH GIẢN BIÊN CHẾ" \
         "$(python3 -c 'import unicodedata; print(unicodedata.normalize("NFD", "TINH GIẢN BIÊN CHẾ"))')"; do
    out=$("$VNQUERY" --db "$DB" --limit 3 $q)
    first=$(printf '%s\n' "$out" | sed -n '2p')
    contains "'$q': rank 1 is the staff-reduction article" "$first" "$STAFF"
    contains "'$q': phrase marked in the snippet" "$out" "[tinh giản biên chế]"
done

# New-style tone marks in the query match the article whatever its style
equals "'Uỷ ban': rank 1 has Uỷ ban in its title" "$(basename "$(first_path "Uỷ ban")")" "$UYBAN"
out=$("$VNQUERY" --db "$DB" --limit 50 "Uỷ ban")
contains "'Uỷ ban' finds articles written Ủy ban" "$out" "[Ủy ban]"
contains "'Uỷ ban' finds articles written Uỷ ban" "$out" "[Uỷ ban]"
out=$("$VNQUERY" --db "$DB" --limit 50 "ủy ban")
contains "'ủy ban' finds the Uỷ ban article" "$out" "$UYBAN"

# i/y spellings are one syllable
out=$("$VNQUERY" --db "$DB" --limit 50 "kĩ năng")
contains "'kĩ năng' finds kỹ năng" "$out" "2022-11-17-boi-duong-ky-nang-lanh-dao.txt"
contains "'kĩ năng' finds kĩ năng" "$out" "2023-11-09-boi-duong-ki-nang-cong-chuc-tre.txt"

# An article holding the phrase outranks one with the syllables scattered
out=$("$VNQUERY" --db "$DB" --json "đổi mới sáng tạo" | python3 -c '
import json, sys
print(" ".join(r["path"].rsplit("/", 1)[1] for r in json.load(sys.stdin)["results"]))')
equals "adjacent phrase outranks scattered syllables" "$out" \
    "2023-04-13-ke-hoach-ung-dung-cong-nghe-so.txt 2023-05-18-gap-go-cong-chuc-tre.txt"
out=$("$VNQUERY" --db "$DB" --limit 50 "tinh giản biên chế")
contains "scattered syllables still found, ranked below" "$out" "2. "

# JSON: valid, complete, snippets escaped and marked
json=$("$VNQUERY" --db "$DB" --json tinh gian bien che)
ok "JSON parses and has every field" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert d["query"] == "tinh gian bien che" and d["total"] >= 1 and d["took_ms"] >= 0
r = d["results"][0]
assert set(r) >= {"rank", "path", "url", "title", "date", "author", "score", "snippet"}
assert r["rank"] == 1 and r["date"] == "2023-07-20"
assert "<mark>tinh giản biên chế</mark>" in r["snippet"], r["snippet"]' "$json"
json=$("$VNQUERY" --db "$DB" --json "script alert")
ok "article HTML is escaped in JSON snippets" python3 -c '
import json, sys
s = json.loads(sys.argv[1])["results"][0]["snippet"]
assert "<script" not in s and "<b>" not in s and "&lt;" in s and "<mark>" in s, s' "$json"
lacks "raw < never in JSON output" "$json" "<"

# Whatever is typed gives results or a clean "no results", never an error
for q in '"' '""' '*' '-' 'OR' 'OR OR x' 'AND' 'NOT' '^x' 'a:b' '(x' 'x)' 'NEAR(a b)' \
         "'; DROP TABLE article; --" '<script>alert(1)</script>' '"unbalanced' \
         'title:' 'body:x' '{title}: x' 'x*' '**' '3815/KH-UBND' 'TP.HCM' 'QĐ-UBND' \
         '12/2023' "$(printf 'a\xffb')" "$(head -c 3000 /dev/zero | tr '\0' 'a')"; do
    out=$("$VNQUERY" --db "$DB" "$q" 2>&1); rc=$?
    if [ $rc -eq 0 ] && ! printf '%s' "$out" | grep -qi "error"; then
        pass "hostile query '${q:0:30}'"
    else
        fail "hostile query '${q:0:30}' (exit $rc): ${out:0:200}"
    fi
done
equals "lone operators find nothing" "$("$VNQUERY" --db "$DB" 'OR' | tail -1 | cut -c1-10)" "No results"
out=$("$VNQUERY" --db "$DB" "TP.HCM")
contains "a code with punctuation is found" "$out" "1. "

# Bad databases: clear one-line messages, exit 3
out=$("$VNQUERY" --db "$TMP/none.db" x 2>&1); rc=$?
equals "missing database: exit 3" "$rc" 3
contains "missing database: message" "$out" "no index at"
printf 'not a database at all, just text\n%.0s' $(seq 200) >"$TMP/junk.db"
out=$("$VNQUERY" --db "$TMP/junk.db" x 2>&1); rc=$?
equals "not an SQLite file: exit 3" "$rc" 3
contains "not an SQLite file: message" "$out" "not an index database"
cp "$DB" "$TMP/old.db"
sqlite3 "$TMP/old.db" "UPDATE vn_meta SET value = '0' WHERE key = 'schema_version'"
out=$("$VNQUERY" --db "$TMP/old.db" x 2>&1); rc=$?
equals "other schema version: exit 3" "$rc" 3
contains "other schema version: names the fix" "$out" "vnindex --rebuild"
out=$("$VNINDEX" --db "$TMP/old.db" corpus 2>&1); rc=$?
equals "vnindex refuses another version without --rebuild" "$rc" 3
out=$("$VNINDEX" --db "$TMP/old.db" --rebuild corpus 2>&1); rc=$?
equals "--rebuild on another version: exit 0" "$rc" 0
out=$("$VNQUERY" --db "$TMP/old.db" --limit 1 tinh gian bien che)
contains "--rebuild repairs another version" "$out" "$STAFF"
out=$("$VNQUERY" 2>&1); rc=$?
equals "no query: usage, exit 2" "$rc" 2
out=$("$VNQUERY" --limit x y 2>&1); rc=$?
equals "bad --limit: exit 2" "$rc" 2

# An index in a folder the searching user cannot write (a web server
# reading what a cron job built) can still be searched
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
    R=$TMP/readonly
    mkdir -p "$R"
    "$VNINDEX" --db "$R/x.db" corpus >/dev/null
    chmod 755 "$TMP" && chmod 555 "$R"
    out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$VNQUERY" --db "$R/x.db" \
          tinh gian bien che 2>&1); rc=$?
    chmod 755 "$R"
    equals "read-only folder, other user: exit 0" "$rc" 0
    contains "read-only folder, other user: finds the article" "$out" "$STAFF"
else
    skip "read-only folder test needs root and setpriv"
fi
