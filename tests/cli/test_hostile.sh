# Hostile inputs (issue 7): articles, queries and databases that must give
# a documented exit code and clear one-line messages, never a crash, a
# hang (every run is under `timeout`), a sanitizer report (the ASan build
# runs with detect_leaks=1, so leaks count) or a partial write. Big inputs
# are generated here, in $TMP. RELIABILITY.md lists every case.
. "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/../.."

# ---- helpers (run, sane and one_line are in lib.sh) -----------------------

# json_ok WHAT FILE: FILE is strictly valid UTF-8 and parses as JSON.
json_ok() {
    ok "$1" python3 -c '
import json, sys
json.loads(open(sys.argv[1], "rb").read().decode("utf-8", "strict"))' "$2"
}

# count DB: articles in the index.
# (-readonly: a read-write sqlite3 shell deletes the -wal and -shm files
# on close, which readers without write access to the folder need.)
count() { sqlite3 -readonly "$1" 'SELECT count(*) FROM article' 2>&1; }

# snapshot DB: what a search shows, without the time taken.
snapshot() {
    "$VNQUERY" --db "$1" --limit 1000 tinh gian bien che 2>&1 | sed 's/ *([0-9.]* ms)$//'
    count "$1"
}

# index_case NAME: index the folder $TMP/art/NAME into a fresh $TMP/NAME.db.
index_case() {
    rm -f "$TMP/$1.db" "$TMP/$1.db-wal" "$TMP/$1.db-shm"
    run "${2:-120}" "$VNINDEX" --db "$TMP/$1.db" "$TMP/art/$1"
}

# article NAME FILE [PRINTF-FORMAT ARGS...]: write a test article.
article() {
    local dir=$TMP/art/$1 file=$2
    shift 2
    mkdir -p "$dir"
    # shellcheck disable=SC2059
    printf "$@" >"$dir/$file"
}

# ---- articles ----------------------------------------------------------------

article blank a.txt '  \n\t\n\n   \n'
index_case blank
sane "blank article" 1
contains "blank article: named and skipped" "$err" "a.txt: empty article, skipped"
equals "blank article: nothing stored" "$(count "$TMP/blank.db")" 0

# Only invisible characters (zero-width space, soft hyphen, RLM, BOM, word
# joiner): as empty as only blanks, so skipped with the same message.
article invisible-only a.txt '\xe2\x80\x8b\xc2\xad\xe2\x80\x8f\xef\xbb\xbf\n \xe2\x80\x8b\xe2\x81\xa0\n'
article invisible-only b.html '<title>&#x200B;</title><p>\xc2\xad\xe2\x80\x8f</p>'
index_case invisible-only
sane "invisible-only article" 1
contains "invisible-only article: named and skipped" "$err" "a.txt: empty article, skipped"
contains "invisible-only page: named and skipped" "$err" "b.html: empty page: no title and no text, skipped"
equals "invisible-only article: nothing stored" "$(count "$TMP/invisible-only.db")" 0

article zero a.txt ''
index_case zero
sane "0-byte article" 1
contains "0-byte article: named and skipped" "$err" "a.txt: empty file, skipped"

mkdir -p "$TMP/art/big50"
python3 -c '
import random, sys
r = random.Random(50)
words = ("tinh giản biên chế cải cách hành chính ủy ban nhân dân thành phố sở nội vụ "
         "công chức viên chức năm kế hoạch triển khai").split()
out = sys.stdout.buffer
out.write("Một bài rất dài\n".encode())
line = " ".join(r.choice(words) for _ in range(400)).encode() + b".\n"
for i in range(50 * 2**20 // len(line) + 1):
    out.write(line)
out.write("kết thúc zzzcuoibai\n".encode())' >"$TMP/art/big50/a.txt"
index_case big50 600
sane "50 MB article" 0
contains "50 MB article: indexed" "$out" "1 added"
run 120 "$VNQUERY" --db "$TMP/big50.db" zzzcuoibai
contains "50 MB article: its last word is found" "$out" "a.txt"
mkdir -p "$TMP/art/big65"
head -c $((65 * 1024 * 1024)) /dev/zero | tr '\0' 'a' >"$TMP/art/big65/a.txt"
index_case big65
sane "65 MB article" 1
contains "65 MB article: refused by name" "$err" "a.txt: cannot read: larger than 64 MB"
rm -rf "$TMP/art/big50" "$TMP/art/big65" "$TMP/big50.db"*

mkdir -p "$TMP/art/line10"
python3 -c '
import sys
w = "tinh giản biên chế cải cách hành chính ".encode()
sys.stdout.buffer.write(w * (10 * 2**20 // len(w)) + b"zzzdongdai")' >"$TMP/art/line10/a.txt"
index_case line10 300
sane "one 10 MB line" 0
run 120 "$VNQUERY" --db "$TMP/line10.db" --json zzzdongdai
json_ok "one 10 MB line: JSON of its hit parses" "$TMP/out"
contains "one 10 MB line: its last word is found" "$out" "line10/a.txt"
ok "one 10 MB line: the title is its first words, not the whole line" python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
assert 0 < len(r["title"].encode()) <= 1000, len(r["title"])' "$TMP/out"
python3 -c '
import sys; sys.stdout.buffer.write("ế".encode() * (10 * 2**20 // 3))' >"$TMP/art/line10/a.txt"
touch -d '2001-01-01' "$TMP/art/line10/a.txt"
run 300 "$VNINDEX" --db "$TMP/line10.db" "$TMP/art/line10"
sane "one 10 MB word (no space at all)" 0
contains "one 10 MB word: stored in place of the line" "$out" "1 updated"
rm -rf "$TMP/art/line10" "$TMP/line10.db"*

article nul a.txt 'Ti\0tle\nbody text\n'
index_case nul
sane "NUL bytes" 1
contains "NUL bytes: refused as binary" "$err" "a.txt: not a text file (binary: NUL bytes), skipped"

mkdir -p "$TMP/art/binary"
python3 -c '
import random, sys
r = random.Random(7)
sys.stdout.buffer.write(bytes(r.randrange(256) for _ in range(65536)))' >"$TMP/art/binary/a.txt"
python3 -c '
import random, sys
r = random.Random(8)   # high bytes only: no NUL, but not UTF-8
sys.stdout.buffer.write(bytes(r.randrange(128, 256) for _ in range(65536)))' >"$TMP/art/binary/b.txt"
index_case binary
sane "binary files" 1
contains "binary with NUL: skipped" "$err" "a.txt: not a text file"
contains "binary without NUL (all high bytes, no blank): skipped as binary" "$err" \
    "b.txt: not a text file (binary: 65% of the bytes are invalid UTF-8 or control characters), skipped"

# Undeclared bytes that are not UTF-8, and many of them (nearly a quarter
# of the file; no legacy charset reads it as Vietnamese): not guessed, not
# skipped either. The file is indexed with U+FFFD in their place and
# named once on stderr, with how many bytes were replaced, even with
# --quiet; exit 1. The words between the bad bytes are found.
article undeclared a.txt 'Bài có nhiều byte lạ\nzzztruoc \xff\xfe\xfd\xfc zzzgiua \x80\x81\x82 zzzsau.\n%s\n' \
    "$(printf 'd\xe9j\xe0 \xe9t\xe9 zzzlap %.0s' $(seq 30))"
rm -f "$TMP/undeclared.db"*
run 120 "$VNINDEX" --db "$TMP/undeclared.db" --quiet "$TMP/art/undeclared"
sane "undeclared invalid bytes (23% of the file)" 1
one_line "undeclared invalid bytes: one warning line, with --quiet" \
    "a.txt: 127 invalid UTF-8 sequences replaced by U+FFFD (127 bytes)"
equals "undeclared invalid bytes: indexed" "$(count "$TMP/undeclared.db")" 1
run 30 "$VNQUERY" --db "$TMP/undeclared.db" --json zzztruoc zzzgiua zzzsau zzzlap
contains "undeclared invalid bytes: the words around them are found" "$out" '"total": 1'
contains "undeclared invalid bytes: U+FFFD in their place" "$out" \
    "$(printf '\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd \\u003cmark\\u003ezzzgiua')"
json_ok "undeclared invalid bytes: JSON valid" "$TMP/out"

# A few bad sequences in real text: replaced by U+FFFD, reported, indexed.
for bad in 'invalid:\xff\xfe' 'overlong:\xc0\xaf \xe0\x80\xaf \xf0\x80\x80\xaf' \
           'surrogate:\xed\xa0\x80 \xed\xbf\xbf' 'truncated:\xe1\xba' 'above-max:\xf4\x90\x80\x80'; do
    name=${bad%%:*} bytes=${bad#*:}
    article "utf8-$name" a.txt "Tiêu đề $bytes cuối\nĐoạn văn zzzhong%s có $bytes chỗ hỏng.\n%s\n" \
        "$name" "$(printf 'Còn lại là văn bản tiếng Việt bình thường, đủ dài để vài byte lỗi không làm hỏng cả bài. %.0s' $(seq 20))"
    index_case "utf8-$name"
    sane "$name UTF-8" 1
    contains "$name UTF-8: reported" "$err" "invalid UTF-8 sequences replaced by U+FFFD"
    run 30 "$VNQUERY" --db "$TMP/utf8-$name.db" --json "zzzhong$name"
    contains "$name UTF-8: article found" "$out" '"total": 1'
    json_ok "$name UTF-8: JSON output is valid UTF-8" "$TMP/out"
done

printf '\xef\xbb\xbfTi\xc3\xaau \xc4\x91\xe1\xbb\x81 c\xc3\xb3 BOM\nN\xe1\xbb\x99i dung zzzbom\n' >"$TMP/bom.txt"
mkdir -p "$TMP/art/bom" && cp "$TMP/bom.txt" "$TMP/art/bom/utf8.txt"
python3 -c '
import sys; sys.stdout.buffer.write(b"\xff\xfe" + "Tiêu đề UTF-16\nNội dung zzzutf16\n".encode("utf-16-le"))' \
    >"$TMP/art/bom/utf16.txt"
printf '\xef\xbb\xbfTi\xc3\xaau \xc4\x91\xe1\xbb\x81\nN\xe1\xbb\x99i dung\0zzzsaunul\n' >"$TMP/art/bom/bomnul.txt"
index_case bom
sane "BOMs" 1
bom_err=$err
contains "UTF-8 BOM then NUL bytes: refused as binary, as without the BOM" "$err" \
    "bomnul.txt: not a text file"
run 30 "$VNQUERY" --db "$TMP/bom.db" --json zzzbom
contains "UTF-8 BOM: not part of the title" "$out" '"title": "Tiêu đề có BOM"'
run 30 "$VNQUERY" --db "$TMP/bom.db" --json zzzutf16
if [ "${bom_err#*utf16.txt: not a text file}" != "$bom_err" ] || [ "${out#*\"total\": 1}" != "$out" ]; then
    pass "UTF-16 file with a BOM: decoded and found, or refused by name"
else
    fail "UTF-16 file with a BOM: neither found nor refused: ${out:0:200}"
fi

# Invisible characters inside words do not split them; U+200B does (UAX #29).
article invisible a.txt 'Chữ vô hình\nchuy\xc2\xadển đổi ph\xe2\x80\x8cường Nguy\xe2\x81\xa0ễn th\xe2\x80\x8dành Hu\xe2\x80\x8bế\n'
index_case invisible
sane "zero-width characters and soft hyphens" 0
for w in "chuyển đổi" phường Nguyễn thành "chuyen doi"; do
    run 30 "$VNQUERY" --db "$TMP/invisible.db" "$w"
    contains "invisible characters inside a word: '$w' finds it" "$out" "a.txt"
done

mkdir -p "$TMP/art/marks"
python3 -c '
import sys
sys.stdout.write("Dấu chồng\nchữ a" + "\u0301" * 10000 + " rồi zzzdau\n" + "ê" + "\u0323\u0309" * 5000 + " zzzdau2\n")' \
    >"$TMP/art/marks/a.txt"
index_case marks 120
sane "10,000 combining marks on one letter" 0
run 30 "$VNQUERY" --db "$TMP/marks.db" --json zzzdau zzzdau2
contains "10,000 combining marks: the words around are found" "$out" '"total": 1'
json_ok "10,000 combining marks: JSON valid" "$TMP/out"
# Marks that are not plain non-spacing ones in the BMP: an enclosing
# circle (U+20DD) and a combining letter beyond the BMP (U+1E000). A word
# typed without marks must still find them, as it finds "biên" by "bien".
article marks2 a.txt 'Dấu lạ\nzzzvong\xe2\x83\x9d và zzzglag\xf0\x9e\x80\x80\n'
index_case marks2
for w in zzzvong zzzglag; do
    run 30 "$VNQUERY" --db "$TMP/marks2.db" "$w"
    contains "a mark outside Mn/BMP is folded away: '$w' finds it" "$out" "a.txt"
done

# ² ³ ¹ ¼ ½ ¾ are not word characters for ICU (UAX #29): a text that
# also holds a character outside Latin (→) must split 50m² as one that
# does not, or the query 50m² misses it.
article numbers a.txt 'Nhà A\ndiện tích 50m² rộng\n'
article numbers b.txt 'Nhà B\ndiện tích 50m² rộng → tốt\n'
index_case numbers
run 30 "$VNQUERY" --db "$TMP/numbers.db" --json '50m²'
contains "50m² is found whatever else the text holds" "$out" '"total": 2'

article rtl a.txt 'Chữ RTL\n\xe2\x80\x8fzzzrtl\xe2\x80\x8f và \xe2\x80\xaeđảo\xe2\x80\xac ngược \xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d \xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7\n'
index_case rtl
sane "right-to-left marks" 0
run 30 "$VNQUERY" --db "$TMP/rtl.db" zzzrtl
contains "right-to-left marks: the marked word is found" "$out" "a.txt"
run 30 "$VNQUERY" --db "$TMP/rtl.db" "đảo ngược"
contains "bidi override: the word inside is found" "$out" "a.txt"

# HTML: must not crash or hang, whether or not .html files are read yet.
mkdir -p "$TMP/art/html"
python3 -c '
import sys
sys.stdout.write("<html><head><title>Lồng sâu</title></head><body>" + "<div>" * 100000
                 + "zzzsau" + "</div>" * 100000 + "</body></html>\n")' >"$TMP/art/html/nested.html"
python3 -c '
import sys
ents = ["<!ENTITY e0 \"haha\">"] + ["<!ENTITY e%d \"%s\">" % (i, ("&e%d;" % (i - 1)) * 10)
                                     for i in range(1, 10)]
sys.stdout.write("<?xml version=\"1.0\"?>\n<!DOCTYPE html [\n" + "\n".join(ents) + "\n]>\n"
                 "<html><head><title>Bom</title></head><body><p>&e9;</p><p>"
                 + "&amp;&lt;&#x1F600;&#0;&#xD800;&#99999999;&bogus;" * 20000
                 + "</p></body></html>\n")' >"$TMP/art/html/bomb.html"
python3 -c '
import sys
sys.stdout.write("<html><head><title>Trang cũ</title></head><body>" + "".join(
    "<font size=2>Đoạn văn thứ zzzfont%d của trang cũ, đủ chữ để đọc. " % i for i in range(400))
    + "zzzcuoi</body></html>\n")' >"$TMP/art/html/font.html"
cp "$TMP/art/html/nested.html" "$TMP/art/html/nested-as-text.txt"
index_case html 300
sane "100,000 nested tags and an entity bomb" 0 1
# libxml2 drops what lies deeper than 256 elements unless told otherwise
run 30 "$VNQUERY" --db "$TMP/html.db" zzzsau
contains "100,000 nested tags: the innermost word is indexed" "$out" "nested.html"
run 30 "$VNQUERY" --db "$TMP/html.db" zzzfont399 zzzcuoi
contains "400 unclosed <font> tags: the text after them is indexed" "$out" "font.html"
run 30 "$VNQUERY" --db "$TMP/html.db" haha
lacks "entity bomb: not expanded into the index" "$out" "hahahahahahahahahahaha"
run 30 "$VNQUERY" --db "$TMP/html.db" --json '"ENTITY e9"' OR e0 OR haha
lacks "entity bomb: the DOCTYPE's declarations are not body text" "$out" "bomb.html"

# A file rewritten while the indexer reads it: any outcome but a crash,
# the index stays whole, and the next run reads what the file holds.
mkdir -p "$TMP/art/changing"
python3 -c '
import sys
sys.stdout.write("Bài thay đổi\n" + ("nội dung cũ zzzcu " * 200 + "\n") * 2000)' >"$TMP/old.txt"
python3 -c '
import sys
sys.stdout.write("Bài thay đổi\n" + ("bản mới zzzmoi " * 100 + "\n") * 1000)' >"$TMP/new.txt"
cp "$TMP/old.txt" "$TMP/art/changing/a.txt"
( for i in $(seq 400); do
      [ -e "$TMP/stop" ] && break
      cp "$TMP/new.txt" "$TMP/art/changing/a.txt"; cp "$TMP/old.txt" "$TMP/art/changing/a.txt"
  done ) &
writer=$!
rm -f "$TMP/changing.db"*
for i in 1 2 3; do
    run 120 "$VNINDEX" --db "$TMP/changing.db" "$TMP/art/changing"
    sane "file rewritten while read (run $i)" 0 1
done
touch "$TMP/stop"
wait $writer
cp "$TMP/new.txt" "$TMP/art/changing/a.txt"
touch -d '2001-01-01' "$TMP/art/changing/a.txt"
equals "file rewritten while read: index intact" "$(sqlite3 -readonly "$TMP/changing.db" 'PRAGMA integrity_check')" ok
run 60 "$VNINDEX" --db "$TMP/changing.db" "$TMP/art/changing"
sane "file rewritten while read: the next run" 0
run 30 "$VNQUERY" --db "$TMP/changing.db" zzzmoi
contains "file rewritten while read: the next run has the final text" "$out" "a.txt"

# Rewritten at the same size with the same whole-second mtime, as when
# a file changes again within the second it was read (or its clock runs
# ahead: a future mtime here makes the case deterministic). Size and
# mtime match what was recorded, so only a racy-clean rule sees it.
later=$(( $(date +%s) + 3600 ))
article racy a.txt 'Bài\nzzzaaa\n'
touch -d "@$later" "$TMP/art/racy/a.txt"
index_case racy
article racy a.txt 'Bài\nzzzbbb\n'
touch -d "@$later" "$TMP/art/racy/a.txt"
run 60 "$VNINDEX" --db "$TMP/racy.db" "$TMP/art/racy"
run 30 "$VNQUERY" --db "$TMP/racy.db" zzzbbb
contains "same-size rewrite in the same second is indexed" "$out" "a.txt"

mkdir -p "$TMP/art/loop/sub"
article loop sub/a.txt 'Vòng lặp\nzzzvong nội dung\n'
ln -s .. "$TMP/art/loop/sub/up"
ln -s ../../loop "$TMP/art/loop/sub/again"
ln -s self "$TMP/art/loop/self"
index_case loop
sane "directory loop" 0 1
contains "directory loop: the article once" "$out" "1 added"
run 60 "$VNINDEX" --db "$TMP/loop.db" "$TMP/art/loop"
contains "directory loop: second run keeps it" "$out" "0 removed, 1 unchanged"

# A dangling link hides no article: the folder is still swept, so an
# article whose file is gone leaves the index.
article dangling a.txt 'Còn\nzzzcon\n'
article dangling b.txt 'Xoá\nzzzxoa\n'
ln -s nowhere "$TMP/art/dangling/link"
index_case dangling
rm "$TMP/art/dangling/b.txt"
run 60 "$VNINDEX" --db "$TMP/dangling.db" "$TMP/art/dangling"
sane "dangling symlink" 0 1
contains "dangling symlink: a deleted article still leaves the index" "$out" "1 removed"

article names 'a b.txt' 'Tên có dấu cách\nzzzten một\n'
article names $'new\nline.txt' 'Tên xuống dòng\nzzzten hai\n'
article names $'bad\xff\xfe.txt' 'Tên sai mã\nzzzten ba\n'
article names $'empty\nfile.txt' ''
index_case names
sane "file names with spaces, newlines, invalid UTF-8" 1
contains "odd names: three indexed" "$out" "3 added"
run 30 "$VNQUERY" --db "$TMP/names.db" --json zzzten
contains "odd names: all three found" "$out" '"total": 3'
json_ok "odd names: JSON output is valid UTF-8" "$TMP/out"

# ---- queries -------------------------------------------------------------------

DB=$TMP/corpus.db
"$VNINDEX" --db "$DB" --quiet corpus
before=$(snapshot "$DB")

q100k=$(python3 -c 'print(("tinh giản biên chế " * 6000)[:100000])')
qterms=$(python3 -c 'print(" ".join("từ%d" % i for i in range(1000)))')
qor=$(python3 -c 'print(" OR ".join(["tinh", "gian", "bien", "che", "cai", "cach"] * 167))')
i=0
for q in '' ' ' "$(printf ' \t\n ')" '.,;:!?…«»()[]{}' '"' '"tinh giản' 'tinh giản"' '"""' \
         'OR' 'AND' 'NOT' '-' '--' 'title:' 'OR OR OR' 'NOT -' '*' '**' '"*"' 'x*' '-*' \
         "$(printf 'tinh\xff gi\xe1\xba')" "$(printf '\xed\xa0\x80 \xc0\xaf')" \
         "'; DROP TABLE article; --" "1' OR '1'='1" 'SELECT * FROM article_fts' \
         'NEAR(tinh giản, 2)' 'title:tinh AND body:che' '{title body}: x' '^tinh' 'tinh + che' \
         'tinh NOT NOT' '(((((((((((x' "$qor"; do
    i=$((i + 1))
    run 120 "$VNQUERY" --db "$DB" --json -- "$q"
    sane "hostile query $i '${q:0:40}'" 0
    json_ok "hostile query $i: JSON valid" "$TMP/out"
done
run 30 "$VNQUERY" --db "$DB" --json -- "$q100k"
sane "a query of 100,000 bytes: refused" 2
one_line "a query of 100,000 bytes: says the limit" "query too long: 126315 bytes, the limit is 10000"
# shellcheck disable=SC2086
run 120 "$VNQUERY" --db "$DB" $qterms
sane "1,000 terms as 1,000 arguments" 0
run 30 "$VNQUERY" --db "$DB" '"tinh giản biên chế'
contains "unclosed quote closes at the end" "$out" "tinh-gian-bien-che"
skip "query with NUL bytes: argv cannot carry NUL and vnquery reads no other input; the parser is covered by test_query and fuzz_query"

for q in '<script>alert(1)</script>' '</script><img src=x onerror=alert(1)>' 'a&b"c\d'; do
    run 30 "$VNQUERY" --db "$DB" --json -- "$q"
    lacks "HTML/JS query '$q': no raw < in JSON" "$out" "<"
    ok "HTML/JS query '$q': echoed exactly" python3 -c '
import json, sys
assert json.load(open(sys.argv[1]))["query"] == sys.argv[2]' "$TMP/out" "$q"
done
equals "hostile queries changed nothing" "$(snapshot "$DB")" "$before"

# ---- databases -------------------------------------------------------------------

run 30 "$VNQUERY" --db "$TMP/none.db" x
sane "missing database" 3
one_line "missing database: one line" "no index at"
run 30 "$VNINDEX" --db "$TMP/no/such/dir/x.db" corpus
sane "database in a missing folder" 3
one_line "database in a missing folder: one line" "x.db"

printf 'not a database, only text\n%.0s' $(seq 300) >"$TMP/junk.db"
cp "$TMP/junk.db" "$TMP/junk.orig"
run 30 "$VNQUERY" --db "$TMP/junk.db" x
sane "not an SQLite file (vnquery)" 3
one_line "not an SQLite file: one line" "not an index database"
run 30 "$VNINDEX" --db "$TMP/junk.db" corpus
sane "not an SQLite file (vnindex)" 3
run 30 "$VNINDEX" --db "$TMP/junk.db" --rebuild corpus
sane "not an SQLite file (vnindex --rebuild)" 3
ok "not an SQLite file: left as it was, even with --rebuild" cmp -s "$TMP/junk.db" "$TMP/junk.orig"

sqlite3 "$DB" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
size=$(stat -c %s "$DB")
for cut in 100 4096 $((size / 2)) $((size - 4096)); do
    T=$TMP/cut$cut.db
    cp "$DB" "$T"
    truncate -s "$cut" "$T"
    cp "$T" "$T.orig"
    run 30 "$VNQUERY" --db "$T" tinh gian bien che
    sane "truncated to $cut bytes (vnquery)" 0 3 # 0: the pages it needed were there
    [ "$rc" -eq 3 ] && one_line "truncated to $cut bytes: one line" "$(basename "$T")"
    run 60 "$VNINDEX" --db "$T" corpus
    sane "truncated to $cut bytes (vnindex)" 0 3
    if [ "$rc" -eq 3 ]; then
        ok "truncated to $cut bytes: vnindex refused and wrote nothing" cmp -s "$T" "$T.orig"
    else # an incremental run that reports success must leave a usable index
        run 30 "$VNQUERY" --db "$T" tinh gian bien che
        equals "truncated to $cut bytes: vnindex said done, so the index answers" "$rc" 0
    fi
done
run 120 "$VNINDEX" --db "$TMP/cut4096.db" --rebuild corpus
sane "--rebuild, as the damaged-index message says" 0

cp "$DB" "$TMP/oldtok.db"
sqlite3 "$TMP/oldtok.db" "UPDATE vn_meta SET value = '999' WHERE key = 'tokenizer_version'"
run 30 "$VNQUERY" --db "$TMP/oldtok.db" x
sane "another tokenizer version" 3
one_line "another tokenizer version: names the fix" "vnindex --rebuild"
before_old=$(count "$TMP/oldtok.db")
mkdir -p "$TMP/art/extra" && printf 'Bài thêm\nzzzthem\n' >"$TMP/art/extra/a.txt"
run 30 "$VNINDEX" --db "$TMP/oldtok.db" "$TMP/art/extra"
sane "vnindex on another version" 3
equals "another version: nothing added" "$(count "$TMP/oldtok.db")" "$before_old"

if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
    R=$TMP/ro
    mkdir -p "$R"
    "$VNINDEX" --db "$R/x.db" --quiet corpus
    ro_before=$(snapshot "$R/x.db")
    chmod 755 "$TMP" "$TMP/art" "$TMP/art/extra" && chmod 644 "$TMP/art/extra/a.txt"
    chmod 444 "$R/x.db" && chmod 555 "$R"
    as_nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
    run 60 "${as_nobody[@]}" "$VNINDEX" --db "$R/x.db" "$TMP/art/extra"
    sane "read-only database (vnindex)" 3
    one_line "read-only database: one line" "x.db"
    run 30 "${as_nobody[@]}" "$VNQUERY" --db "$R/x.db" tinh gian bien che
    sane "read-only database (vnquery)" 0
    chmod 755 "$R" && chmod 644 "$R/x.db"
    equals "read-only database: unchanged" "$(snapshot "$R/x.db")" "$ro_before"
else
    skip "read-only database: needs root and setpriv (root ignores file modes)"
fi

# Locked by a writer: another connection holds the write lock.
L=$TMP/locked.db
"$VNINDEX" --db "$L" --quiet corpus
lk_before=$(snapshot "$L")
mkfifo "$TMP/lockfifo"
sqlite3 "$L" <"$TMP/lockfifo" >/dev/null 2>&1 &
holder=$!
exec 7>"$TMP/lockfifo"
printf "BEGIN IMMEDIATE;\nINSERT INTO vn_meta VALUES('held', '1');\n" >&7
sleep 1
run 120 "$VNINDEX" --db "$L" "$TMP/art/extra"
sane "database locked by a writer (vnindex)" 4
one_line "locked: one line" "locked"
run 30 "$VNQUERY" --db "$L" tinh gian bien che
sane "database locked by a writer (vnquery reads on)" 0
contains "locked: vnquery still finds" "$out" "tinh-gian-bien-che"
printf 'ROLLBACK;\n.quit\n' >&7
exec 7>&-
wait $holder
equals "locked: index unchanged" "$(snapshot "$L")" "$lk_before"
