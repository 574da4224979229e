# Incremental runs: new, touched, changed, deleted and malformed files.
. "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/../.."
DB=$TMP/a.db
A=$TMP/archive
mkdir -p "$A/sub"
cp corpus/*.txt "$A/"
mv "$A/2024-"*.txt "$A/sub/"

hits() { "$VNQUERY" --db "$DB" --json --limit 100 "$@" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])'; }

out=$("$VNINDEX" --db "$DB" "$A" 2>&1)
equals "first run adds every article" "$(counts "$out")" "30 0 0 0 0"
# what the index holds: articles, the full-text index, spellings (vn_meta
# records each run's counts and time; a file's mtime is recorded once the
# second it was written is over, see stored_mtime in indexer/index.c)
dbsum() { sqlite3 "$DB" 'SELECT id, path, url, title, date, author, size, hash, body FROM article;
    SELECT * FROM article_fts_data; SELECT * FROM article_fts_idx;
    SELECT * FROM article_fts_docsize; SELECT * FROM vn_spelling' | md5sum; }
sum_before=$(dbsum)
gen() { sqlite3 "$DB" "SELECT value FROM vn_meta WHERE key = 'generation'"; }
gen_before=$(gen)
out=$("$VNINDEX" --db "$DB" "$A" 2>&1)
equals "second run: all unchanged" "$(counts "$out")" "0 0 0 30 0"
equals "second run rewrites nothing: articles and index identical" "$(dbsum)" "$sum_before"
# the server's copy of the index in memory stays current (vn_mem.h)
equals "second run keeps the index's generation" "$(gen)" "$gen_before"

touch -d '2030-01-01' "$A/2023-02-23-giao-ban-phong-noi-vu.txt"
out=$("$VNINDEX" --db "$DB" "$A" 2>&1)
equals "touched file counts as unchanged" "$(counts "$out")" "0 0 0 30 0"
out=$("$VNINDEX" --db "$DB" "$A" 2>&1)
equals "touched file's new mtime was recorded" "$(counts "$out")" "0 0 0 30 0"

printf '\nĐoạn mới: hội thảo về kinh tế tuần hoàn quanh xưởng gốm Bát Tràng.\n' >>"$A/sub/2024-01-11-tong-ket-nganh-noi-vu-2023.txt"
equals "before the change: new words not found" "$(hits gốm Bát Tràng)" 0
out=$("$VNINDEX" --db "$DB" "$A" 2>&1)
equals "changed file is updated" "$(counts "$out")" "0 1 0 29 0"
equals "after the change: new words found" "$(hits gom bat trang)" 1

before=$(hits tín ngưỡng)
rm "$A/2022-06-16-tap-huan-tin-nguong-ton-giao.txt"
out=$("$VNINDEX" --db "$DB" "$A" 2>&1)
equals "deleted file is removed" "$(counts "$out")" "0 0 1 29 0"
ok "a deletion draws a new generation" test "$(gen)" != "$gen_before"
equals "deleted article no longer found" "$before:$(hits tín ngưỡng)" "1:0"

printf 'Hội thi cắm hoa chào mừng ngày 20 tháng 10 năm 2024\nBài mới về hội thi cắm hoa của nữ công chức.\n' >"$A/sub/new.txt"
out=$("$VNINDEX" --db "$DB" "$A" 2>&1)
equals "new file is added" "$(counts "$out")" "1 0 0 29 0"
equals "new article found" "$(hits "\"cam hoa\"")" 1

# Indexing one subfolder leaves the rest of the archive alone
out=$("$VNINDEX" --db "$DB" "$A/sub" 2>&1)
equals "a subfolder run only sees its files" "$(counts "$out")" "0 0 0 8 0"
equals "articles outside it stay" "$(sqlite3 "$DB" 'SELECT count(*) FROM article')" 30

# Malformed files are named with a reason; the rest is indexed
M=$TMP/bad
mkdir -p "$M"
cp corpus/2023-02-23-giao-ban-phong-noi-vu.txt "$M/good.txt"
: >"$M/empty.txt"
head -c 4000 /dev/urandom >"$M/binary.txt"
printf 'Tiêu đề hỏng mã\nNội dung có byte lỗi \xff\xfe ở giữa câu về hội nghị chuyên đề.\n' >"$M/latin.txt"
out=$("$VNINDEX" --db "$TMP/m.db" "$M" 2>&1); rc=$?
equals "malformed files: exit 1" "$rc" 1
contains "empty file named" "$out" "empty.txt: empty file"
contains "binary file named" "$out" "binary.txt: not"
contains "invalid UTF-8 reported" "$out" "latin.txt: 2 invalid UTF-8 sequences replaced"
equals "malformed files: the rest is indexed" "$(counts "$out")" "2 0 0 0 2"
out=$("$VNQUERY" --db "$TMP/m.db" "hội nghị chuyên đề")
contains "file with a bad byte is searchable" "$out" "latin.txt"
out=$("$VNINDEX" --db "$TMP/m.db" "$TMP/does-not-exist" 2>&1); rc=$?
equals "missing path: exit 1" "$rc" 1
contains "missing path: named" "$out" "does-not-exist: No such file or directory"

# --rebuild starts over
out=$("$VNINDEX" --db "$DB" --rebuild "$A" 2>&1)
equals "--rebuild re-adds everything" "$(counts "$out")" "30 0 0 0 0"

# Walking: hidden entries skipped, a symbolic-link loop walked once
W=$TMP/walk
mkdir -p "$W/a/.hidden" "$W/.git"
cp corpus/2023-02-23-giao-ban-phong-noi-vu.txt "$W/a/one.txt"
cp corpus/2023-03-16-tap-huan-nghiep-vu-van-thu.txt "$W/a/.hidden/two.txt"
cp corpus/2023-04-13-ke-hoach-ung-dung-cong-nghe-so.txt "$W/.git/three.txt"
cp corpus/2023-05-18-gap-go-cong-chuc-tre.txt "$W/a/.four.txt"
ln -s .. "$W/a/loop"
out=$(timeout 20 "$VNINDEX" --db "$TMP/w.db" "$W" 2>&1); rc=$?
equals "symlink loop: finishes, exit 0" "$rc" 0
equals "hidden files and folders skipped, loop walked once" "$(counts "$out")" "1 0 0 0 0"

# --quiet prints nothing on success; VNSEARCH_DB names the default index
out=$(VNSEARCH_DB="$TMP/env.db" "$VNINDEX" --quiet corpus 2>&1); rc=$?
equals "--quiet: silent and exit 0" "$rc:$out" "0:"
out=$(VNSEARCH_DB="$TMP/env.db" "$VNQUERY" --json tinh gian bien che | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
equals "VNSEARCH_DB is the default for both programs" "$out" 2

# Paging: --limit and --offset walk the same ranking
all=$("$VNQUERY" --db "$TMP/env.db" --json --limit 6 hội nghị | python3 -c '
import json,sys; print(" ".join(r["path"] for r in json.load(sys.stdin)["results"]))')
p1=$("$VNQUERY" --db "$TMP/env.db" --json --limit 3 hội nghị | python3 -c '
import json,sys; print(" ".join(r["path"] for r in json.load(sys.stdin)["results"]))')
p2=$("$VNQUERY" --db "$TMP/env.db" --json --limit 3 --offset 3 hội nghị | python3 -c '
import json,sys; d=json.load(sys.stdin); assert d["offset"] == 3 and d["results"][0]["rank"] == 4
print(" ".join(r["path"] for r in d["results"]))')
equals "pages 1 and 2 are the first six results" "$p1 $p2" "$all"
out=$("$VNQUERY" --db "$TMP/env.db" --json --offset 5000 hội nghị | python3 -c '
import json,sys; d=json.load(sys.stdin); print(d["total"] > 0, len(d["results"]))')
equals "past the last page: total kept, no results" "$out" "True 0"

# On a terminal: a progress line while indexing, bold matches in results;
# in a pipe: neither (checked above: no escape codes, [brackets])
if command -v script >/dev/null; then
    P=$TMP/many
    mkdir -p "$P"
    for i in $(seq 1 450); do
        printf 'Bài số %d về hội nghị\nNội dung ngắn của bài số %d.\n' "$i" "$i" >"$P/$i.txt"
    done
    out=$(script -qec "'$VNINDEX' --db '$TMP/p.db' '$P'" /dev/null)
    contains "terminal: progress line with a rate" "$out" "400 files, "
    contains "terminal: summary after the progress line" "$out" "450 added"
    out=$(script -qec "'$VNQUERY' --db '$TMP/p.db' --limit 1 'bài số 7'" /dev/null)
    contains "terminal: matches in bold" "$out" $'\033[1mbài số 7\033[0m'
    out=$("$VNINDEX" --db "$TMP/p2.db" "$P" 2>&1)
    lacks "pipe: no progress line" "$out" "files, "
else
    skip "terminal tests need script(1)"
fi
