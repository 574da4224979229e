# vnindex from cron: the run lock (--wait, exit 4), searches during a
# reindex, --stats, --check and repair by --rebuild, --optimize,
# --base-url, and the awkward things an archive does between two runs.
. "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/../.."

# (counts and total are in lib.sh)
# stat_of DB KEY: one figure of --stats
stat_of() { "$VNINDEX" --db "$1" --stats | sed -n "s/^$2: \([^ ]*\).*/\1/p"; }
# field DB QUERY FIELD: a field of the first result (null when absent)
field() { "$VNQUERY" --db "$1" --json --limit 1 "$2" | python3 -c '
import json, sys
r = json.load(sys.stdin)["results"]
v = r[0][sys.argv[1]] if r else "(no result)"
print("null" if v is None else v)' "$3"; }

# gen DIR N MARK: N articles of our own text in DIR, each holding the word
# MARK once (the body's length varies with MARK, so a rewrite changes the size)
gen() {
    mkdir -p "$1"
    awk -v dir="$1" -v n="$2" -v mark="$3" 'BEGIN {
        nw = split("công tác cải cách hành chính năm nay được triển khai đồng bộ tại các phường " \
                   "xã với sự tham gia của cán bộ công chức và người dân trên địa bàn thành phố", w, " ")
        for (i = 1; i <= n; i++) {
            f = sprintf("%s/bai-%05d.txt", dir, i)
            printf "Bản tin số %d về cải cách hành chính\n", i > f
            for (p = 0; p < 6 + length(mark) % 3; p++) {
                line = ""
                for (k = 0; k < 40; k++) line = line " " w[(i * 7 + p * 13 + k * 3) % nw + 1]
                printf "%s.\n", substr(line, 2) > f
            }
            printf "Ghi chú: %s.\n", mark > f
            close(f)
        }
    }'
}

# ---- the run lock ---------------------------------------------------------------

L=$TMP/lock
gen "$L/a" 300 vangmot
DB=$TMP/lock.db
"$VNINDEX" --db "$DB" "$L/a" >"$TMP/first.out" 2>&1 &
first=$!
for _ in $(seq 1 200); do   # until the first run holds the lock
    [ -s "$DB.lock" ] && break
    sleep 0.05
done
kill -STOP "$first"         # hold it there, whatever the machine's speed
out=$("$VNINDEX" --db "$DB" --wait 0 "$L/a" 2>&1); rc=$?
equals "second run, --wait 0: exit 4 (busy)" "$rc" 4
contains "second run names the index and the holder" "$out" "$DB is busy: another vnindex (pid $first)"
contains "second run points to --wait" "$out" "--wait SECONDS"
t0=$(date +%s%N)
out=$("$VNINDEX" --db "$DB" --wait 0.5 "$L/a" 2>&1); rc=$?
waited=$((($(date +%s%N) - t0) / 1000000))
equals "--wait 0.5 while still held: exit 4" "$rc" 4
ok "--wait 0.5 waited about half a second (${waited} ms)" test "$waited" -ge 450 -a "$waited" -lt 5000
"$VNINDEX" --db "$DB" --wait 60 "$L/a" >"$TMP/third.out" 2>&1 &
third=$!
sleep 0.3
kill -CONT "$first"
wait "$first"; rc1=$?
wait "$third"; rc3=$?
equals "first run completes: exit 0" "$rc1" 0
equals "first run indexed everything" "$(counts "$(cat "$TMP/first.out")")" "300 0 0 0 0"
equals "--wait 60: ran once the first was done, exit 0" "$rc3" 0
equals "--wait 60: found it all done" "$(counts "$(cat "$TMP/third.out")")" "0 0 0 300 0"
ok "--check after two runs at once: no damage" "$VNINDEX" --db "$DB" --quiet --check
ok "the lock file stays next to the database" test -f "$DB.lock"

# A killed run leaves no stale lock: the kernel drops an flock with its holder
"$VNINDEX" --db "$TMP/killed.db" "$L/a" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 200); do [ -s "$TMP/killed.db.lock" ] && break; sleep 0.05; done
kill -STOP "$pid"           # surely still running, lock held
kill -KILL "$pid"; wait "$pid" 2>/dev/null
out=$("$VNINDEX" --db "$TMP/killed.db" --wait 0 "$L/a" 2>&1); rc=$?
equals "after SIGKILL, the next run gets the lock at once: exit 0" "$rc" 0
ok "after SIGKILL, the index passes --check" "$VNINDEX" --db "$TMP/killed.db" --quiet --check
equals "after SIGKILL, every article is there" "$(total "$TMP/killed.db" vangmot)" 300

# The lock file is what counts: held by flock(1), vnindex waits for it too
if command -v flock >/dev/null; then
    flock "$DB.lock" sleep 1 &
    holder=$!
    sleep 0.2
    out=$("$VNINDEX" --db "$DB" --quiet "$L/a" 2>&1); rc=$?
    equals "lock held by flock(1): exit 4" "$rc" 4
    out=$("$VNINDEX" --db "$DB" --quiet --wait 20 "$L/a" 2>&1); rc=$?
    equals "lock held by flock(1), --wait 20: exit 0, quiet" "$rc:$out" "0:"
    wait "$holder"
else
    skip "flock(1) not installed"
fi

# ---- searches during a reindex --------------------------------------------------

# Every article holds exactly one of two words; a run rewrites them all
# from one to the other. Each search must succeed and count every article
# once: an article is seen before its update or after, never half-way.
S=$TMP/search
N=3000
gen "$S" $N vangmot
DB=$TMP/search.db
"$VNINDEX" --db "$DB" --quiet "$S"
equals "before: every article has the first word" "$(total "$DB" vangmot)" $N
gen "$S" $N vanghaiba
# search_during PID QUERY [TOTAL...]: search for QUERY until process PID
# ends; sets searches, failed (vnquery failed), off (a total other than
# the TOTALs, by default $N) and rc (PID's exit status); the outputs go to
# $TMP/during.
search_during() {
    local pid=$1 query=$2 totals=" ${*:3} "
    [ $# -gt 2 ] || totals=" $N "
    searches=0 failed=0 off=0
    : >"$TMP/during"
    while kill -0 "$pid" 2>/dev/null; do
        out=$("$VNQUERY" --db "$DB" --json --limit 1 "$query") || failed=$((failed + 1))
        t=$(printf '%s' "$out" | sed -n 's/.*"total": *\([0-9]*\).*/\1/p' | head -1)
        case $totals in *" $t "*) ;; *) off=$((off + 1)) ;; esac
        printf '%s\n' "$out" >>"$TMP/during"
        searches=$((searches + 1))
    done
    wait "$pid"; rc=$?
}
# searched_ok WHAT WANT: the checks every search_during ends with: the
# indexer exited 0, at least 3 searches ran, none failed, and every total
# was one of those allowed (WANT says which, for the message).
searched_ok() {
    equals "$1: the indexer exits 0" "$rc" 0
    ok "$1: searches ran meanwhile ($searches of them)" test "$searches" -ge 3
    equals "$1: no search failed" "$failed" 0
    equals "$1: every search $2" "$off" 0
}
"$VNINDEX" --db "$DB" --quiet "$S" &
search_during $! "vangmot OR vanghaiba"
# which word the first result holds (the query itself names both)
seen_old=$(grep -c '"snippet": "[^"]*vangmot' "$TMP/during")
seen_new=$(grep -c '"snippet": "[^"]*vanghaiba' "$TMP/during")
searched_ok "reindex under searches" "counted each article once ($N)"
equals "after: every article has the second word" "$(total "$DB" vanghaiba)" $N
equals "after: none has the first" "$(total "$DB" vangmot)" 0
echo "# $searches searches during the reindex; saw old: $seen_old, new: $seen_new"

# --rebuild builds beside the index and puts the new one in place in one
# step: searches meanwhile find every article, never an emptied index.
"$VNINDEX" --db "$DB" --quiet --rebuild "$S" &
search_during $! vanghaiba
searched_ok "--rebuild under searches" "found all $N"
equals "after --rebuild: all there" "$(total "$DB" vanghaiba)" $N
ok "after --rebuild: nothing left beside the index" test ! -e "$DB.rebuild" -a ! -e "$DB.rebuild-wal"
# killed while it builds: the index is the old one, whole; the next run cleans up
"$VNINDEX" --db "$DB" --quiet --rebuild "$S" &
indexer=$!
for _ in $(seq 200); do # until it has begun writing beside the index
    [ -e "$DB.rebuild" ] && break
    sleep 0.01
done
kill -9 "$indexer" 2>/dev/null
wait "$indexer" 2>/dev/null
ok "--rebuild killed: its work lies beside the index" test -e "$DB.rebuild"
equals "--rebuild killed: the index still holds every article" "$(total "$DB" vanghaiba)" $N
ok "--rebuild killed: --check passes" "$VNINDEX" --db "$DB" --quiet --check
"$VNINDEX" --db "$DB" --quiet "$S"
ok "the next run removes what the killed --rebuild left" test ! -e "$DB.rebuild"
"$VNINDEX" --db "$DB" --quiet --rebuild "$S"
equals "the next --rebuild: all there" "$(total "$DB" vanghaiba)" $N

# A run is one transaction: while it rewrites every article, a search for
# the old word finds all of them (the old state) or none (the new one),
# never some, as when it committed every 500 articles.
gen "$S" $N vangbonnam
"$VNINDEX" --db "$DB" --quiet "$S" &
search_during $! vanghaiba $N 0
seen_old=$(grep -c "\"total\": $N," "$TMP/during")
seen_new=$(grep -c '"total": 0,' "$TMP/during")
searched_ok "one transaction" "saw all $N old articles or none, never some"
ok "one transaction: searches saw the old state until the commit ($seen_old)" test "$seen_old" -ge 1
equals "one transaction: after it, all rewritten" "$(total "$DB" vangbonnam)" $N
echo "# $searches searches during the run; saw the old state: $seen_old, the new: $seen_new"

# A small index (no zlib dictionary yet: it is trained once 1000 articles
# are in) that one run grows past 1000: still one transaction, and the
# dictionary is trained inside it, so the articles after the first 1000
# are compressed against it, as a first build's are.
DB=$TMP/grow.db
G=$TMP/grow
gen "$G" 30 vangnho
"$VNINDEX" --db "$DB" --quiet "$G"
equals "a small index: no dictionary yet" "$(sqlite3 -readonly "$DB" 'SELECT count(*) FROM vn_dict')" 0
rm -rf "$G"
gen "$G" 1600 vangnho
"$VNINDEX" --db "$DB" --quiet "$G"
equals "grown past 1000 in one run: the dictionary trained" \
    "$(sqlite3 -readonly "$DB" 'SELECT count(*) FROM vn_dict')" 1
# zlib's FLG byte (after the format byte and the length varint) has
# FDICT (0x20) when a stream needs a preset dictionary
with_dict=$(python3 - "$DB" <<'PY'
import sqlite3, sys
db = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
n = 0
for (body,) in db.execute("SELECT body FROM article"):
    i = 1
    while body[i] & 0x80:
        i += 1
    n += bool(body[i + 2] & 0x20)
print(n)
PY
)
ok "grown past 1000 in one run: the later articles use the dictionary ($with_dict)" \
    test "$with_dict" -ge 500

# ---- --stats --------------------------------------------------------------------

DB=$TMP/stats.db
out=$("$VNINDEX" --db "$DB" corpus 2>&1)
stats=$("$VNINDEX" --db "$DB" --stats); rc=$?
equals "--stats: exit 0" "$rc" 0
equals "--stats: articles" "$(stat_of "$DB" articles)" 30
for key in terms tokens file_bytes text_bytes stored_text_bytes index_bytes index_segments \
           database_bytes; do
    ok "--stats: $key is a positive number" test "$(stat_of "$DB" $key)" -gt 0
done
ok "--stats: stored text is smaller than the text" \
    test "$(stat_of "$DB" stored_text_bytes)" -lt "$(stat_of "$DB" text_bytes)"
ok "--stats: terms are fewer than tokens" \
    test "$(stat_of "$DB" terms)" -lt "$(stat_of "$DB" tokens)"
# the same text twice: as many distinct terms, twice the occurrences
mkdir -p "$TMP/four"
printf 'Một hai ba\nHai ba bốn, bốn.\n' >"$TMP/four/words.txt"
"$VNINDEX" --db "$TMP/four.db" --quiet "$TMP/four"
terms=$(stat_of "$TMP/four.db" terms) tokens=$(stat_of "$TMP/four.db" tokens)
ok "--stats: at least the 4 words of a known text ($terms terms, $tokens tokens)" \
    test "$terms" -ge 4 -a "$tokens" -ge 7
cp "$TMP/four/words.txt" "$TMP/four/again.txt"
"$VNINDEX" --db "$TMP/four.db" --quiet "$TMP/four"
equals "--stats: the same text again: same terms, twice the tokens" \
    "$(stat_of "$TMP/four.db" terms) $(stat_of "$TMP/four.db" tokens)" "$terms $((tokens * 2))"
contains "--stats: last run's time" "$stats" "last_run_at: $(date -u +%Y-%m-%d)T"
contains "--stats: last run's duration" "$stats" "last_run_seconds: "
equals "--stats: last run's counts" \
    "$(stat_of "$DB" last_run_added) $(stat_of "$DB" last_run_updated) $(stat_of "$DB" last_run_removed) $(stat_of "$DB" last_run_unchanged) $(stat_of "$DB" last_run_failed)" \
    "30 0 0 0 0"
"$VNINDEX" --db "$DB" --quiet corpus
equals "--stats: the record follows each run" "$(stat_of "$DB" last_run_unchanged):$(stat_of "$DB" last_run_added)" "30:0"
out=$("$VNINDEX" --db "$TMP/none.db" --stats 2>&1); rc=$?
equals "--stats on a missing index: exit 3" "$rc" 3
contains "--stats on a missing index: says so" "$out" "no index at"
ok "--stats creates nothing" test ! -e "$TMP/none.db"

# ---- --check, damage, --rebuild ---------------------------------------------------

DB=$TMP/check.db
C=$TMP/check
gen "$C" 400 vangmot
"$VNINDEX" --db "$DB" --quiet "$C"
out=$("$VNINDEX" --db "$DB" --check 2>&1); rc=$?
equals "--check on a sound index: exit 0" "$rc" 0
contains "--check on a sound index: says so" "$out" "no damage found"
out=$("$VNINDEX" --db "$DB" --check --quiet 2>&1)
equals "--check --quiet: silent" "$out" ""
size=$(stat -c %s "$DB")
# 64 KB of noise in the middle of the file (the -wal is empty after a run)
head -c 65536 /dev/urandom | dd of="$DB" bs=1 seek=$((size / 2)) conv=notrunc status=none
out=$("$VNINDEX" --db "$DB" --check 2>&1); rc=$?
equals "--check on a damaged index: exit 5" "$rc" 5
contains "--check on a damaged index: says so" "$out" "damaged"
contains "--check on a damaged index: says how to repair" "$out" "--rebuild"
out=$("$VNINDEX" --db "$DB" --rebuild "$C" 2>&1); rc=$?
equals "--rebuild over the damaged index: exit 0" "$rc" 0
equals "--rebuild over the damaged index: all re-added" "$(counts "$out")" "400 0 0 0 0"
ok "after --rebuild: --check passes" "$VNINDEX" --db "$DB" --quiet --check
equals "after --rebuild: searches work" "$(total "$DB" vangmot)" 400
# Damage no page check sees: the index and the text out of step. FTS5's
# integrity-check (SQLite < 3.44) does not read an external content table
sqlite3 "$DB" "UPDATE article SET title = 'Một tiêu đề khác' WHERE id = (SELECT min(id) FROM article)"
out=$("$VNINDEX" --db "$DB" --check 2>&1); rc=$?
equals "text changed behind the index's back: exit 5" "$rc" 5
contains "text changed behind the index's back: named" "$out" "does not match the articles' text"
"$VNINDEX" --db "$DB" --quiet --rebuild "$C"
ok "--rebuild in place repairs it" "$VNINDEX" --db "$DB" --quiet --check
sqlite3 "$DB" "UPDATE article_fts_docsize SET sz = x'0101' WHERE id = (SELECT min(id) FROM article_fts_docsize)"
out=$("$VNINDEX" --db "$DB" --check 2>&1); rc=$?
equals "wrong token counts (they skew ranking): exit 5" "$rc" 5
contains "wrong token counts: named" "$out" "token counts are wrong"
sqlite3 "$DB" "UPDATE article_fts_data SET block = substr(block, 1, length(block) - 8) || zeroblob(8) WHERE id = (SELECT max(id) FROM article_fts_data)"
out=$("$VNINDEX" --db "$DB" --check 2>&1); rc=$?
equals "a damaged index page: exit 5" "$rc" 5
contains "a damaged index page: named" "$out" "is damaged"
"$VNINDEX" --db "$DB" --quiet --rebuild "$C"
ok "--rebuild repairs that too" "$VNINDEX" --db "$DB" --quiet --check
# A file that is not a database: --check says so, --rebuild leaves it alone
echo "các ghi chép, không phải chỉ mục" >"$TMP/notes.db"
out=$("$VNINDEX" --db "$TMP/notes.db" --check 2>&1); rc=$?
equals "--check on a text file: exit 5" "$rc" 5
contains "--check on a text file: says what it is" "$out" "not an index database"
out=$("$VNINDEX" --db "$TMP/notes.db" --rebuild "$C" 2>&1); rc=$?
equals "--rebuild over a text file: exit 3" "$rc" 3
contains "--rebuild over a text file: refuses" "$out" "not an SQLite database"
equals "--rebuild over a text file: file untouched" "$(cat "$TMP/notes.db")" "các ghi chép, không phải chỉ mục"
out=$("$VNINDEX" --db "$TMP/none.db" --check 2>&1); rc=$?
equals "--check on a missing index: exit 3" "$rc:$(test -e "$TMP/none.db" && echo made)" "3:"

# ---- --optimize ---------------------------------------------------------------------

DB=$TMP/opt.db
O=$TMP/opt
for i in 1 2 3 4 5 6; do          # six runs, six b-trees or so
    gen "$O/$i" 40 "vangmot$i"
    "$VNINDEX" --db "$DB" --quiet "$O"
done
out=$("$VNINDEX" --db "$DB" --optimize 2>&1); rc=$?
equals "--optimize: exit 0" "$rc" 0
contains "--optimize: reports what it did" "$out" "optimized: index"
equals "--optimize: one b-tree left" "$(stat_of "$DB" index_segments)" 1
ok "--optimize: --check passes" "$VNINDEX" --db "$DB" --quiet --check
equals "--optimize: searches the same" "$(total "$DB" vangmot3)" 40
out=$("$VNINDEX" --db "$TMP/none.db" --optimize 2>&1); rc=$?
equals "--optimize on a missing index: exit 3, nothing created" "$rc:$(test -e "$TMP/none.db" && echo made)" "3:"

# ---- --base-url -----------------------------------------------------------------------

U=$TMP/site
mkdir -p "$U/tin tức/2024" "$U/other"
cp corpus/2023-02-23-giao-ban-phong-noi-vu.txt "$U/tin tức/2024/giao ban.txt"
cp corpus/2023-03-16-tap-huan-nghiep-vu-van-thu.txt "$U/other/van-thu.txt"
DB=$TMP/url.db
out=$("$VNINDEX" --db "$DB" --base-url https://sonoivu.example.vn/luu-tru/ "$U" 2>&1); rc=$?
equals "--base-url: exit 0" "$rc" 0
equals "--base-url: path mapped, percent-encoded" "$(field "$DB" '"giao ban công tác với phòng nội vụ"' url)" \
    "https://sonoivu.example.vn/luu-tru/tin%20t%E1%BB%A9c/2024/giao%20ban.txt"
equals "--base-url: a plain name" "$(field "$DB" '"nghiệp vụ văn thư"' url)" \
    "https://sonoivu.example.vn/luu-tru/other/van-thu.txt"
# Remembered: a later run without it, even on a subfolder, maps new files the same way
cp corpus/2023-05-18-gap-go-cong-chuc-tre.txt "$U/other/gap-go.txt"
out=$("$VNINDEX" --db "$DB" "$U/other" 2>&1)
equals "later run on a subfolder: only the new file read" "$(counts "$out")" "1 0 0 1 0"
equals "later run on a subfolder: the new file mapped from the root" \
    "$(field "$DB" '"gặp gỡ công chức, viên chức trẻ"' url)" "https://sonoivu.example.vn/luu-tru/other/gap-go.txt"
# A new URL: every article under the root is read again and follows
out=$("$VNINDEX" --db "$DB" --base-url http://archive.example.vn "$U" 2>&1)
equals "changed --base-url: every article updated" "$(counts "$out")" "0 3 0 0 0"
equals "changed --base-url: URLs follow" "$(field "$DB" '"nghiệp vụ văn thư"' url)" \
    "http://archive.example.vn/other/van-thu.txt"
out=$("$VNINDEX" --db "$DB" --base-url http://archive.example.vn "$U" 2>&1)
equals "same --base-url again: nothing read" "$(counts "$out")" "0 0 0 3 0"
# A file given as PATH maps from its folder
F=$TMP/single
mkdir -p "$F"
cp corpus/2023-02-23-giao-ban-phong-noi-vu.txt "$F/một bài.txt"
"$VNINDEX" --db "$TMP/url2.db" --quiet --base-url https://x.example.vn/a "$F/một bài.txt"
equals "--base-url with a file as PATH: its folder is the root" \
    "$(field "$TMP/url2.db" '"giao ban công tác với phòng nội vụ"' url)" "https://x.example.vn/a/m%E1%BB%99t%20b%C3%A0i.txt"
# '' forgets it
out=$("$VNINDEX" --db "$DB" --base-url '' "$U" 2>&1)
equals "--base-url '': every article read again" "$(counts "$out")" "0 3 0 0 0"
equals "--base-url '': no URL" "$(field "$DB" '"nghiệp vụ văn thư"' url)" "null"
for bad in "sonoivu.example.vn/x" "https://" "https://a b.vn" "ftp//x"; do
    out=$("$VNINDEX" --db "$DB" --base-url "$bad" "$U" 2>&1); rc=$?
    equals "--base-url '$bad': exit 2" "$rc" 2
done
contains "bad --base-url: says what it wants" "$out" "--base-url wants an absolute URL"
# --rebuild keeps what the index remembers for each folder: a rebuild
# given neither option (as the damaged-index message says) maps URLs and
# reads pages as the runs before it did, and the next run reads nothing.
K=$TMP/keep
mkdir -p "$K/sub"
cp corpus/2023-02-23-giao-ban-phong-noi-vu.txt "$K/giao ban.txt"
cp tests/cases/html/portal-article.html "$K/sub/trang.html"
SEL="//div[@id='noidung']/p[1]"
DB=$TMP/keep.db
"$VNINDEX" --db "$DB" --quiet --base-url https://kho.example.vn/a --content-selector "$SEL" "$K"
equals "before --rebuild: the URL" "$(field "$DB" '"giao ban công tác với phòng nội vụ"' url)" \
    "https://kho.example.vn/a/giao%20ban.txt"
equals "before --rebuild: only the selected paragraph" "$(total "$DB" "số hóa")" 0
out=$("$VNINDEX" --db "$DB" --rebuild "$K" 2>&1); rc=$?
equals "--rebuild without the options: exit 0, nothing said but the summary" \
    "$rc:$(printf '%s\n' "$out" | grep -vc '^vnindex: 2 added, 0 updated')" "0:0"
equals "--rebuild keeps --base-url" "$(field "$DB" '"giao ban công tác với phòng nội vụ"' url)" \
    "https://kho.example.vn/a/giao%20ban.txt"
equals "--rebuild keeps --base-url for pages too" "$(field "$DB" "thống kê" url)" \
    "https://kho.example.vn/a/sub/trang.html"
equals "--rebuild keeps --content-selector" "$(total "$DB" "số hóa"):$(total "$DB" "thống kê")" "0:1"
out=$("$VNINDEX" --db "$DB" --content-selector "$SEL" "$K" 2>&1)
equals "after --rebuild, the cron line reads nothing again" "$(counts "$out")" "0 0 0 2 0"
"$VNINDEX" --db "$DB" --quiet --rebuild --content-selector '#noidung' "$K"
equals "--rebuild with another selector: that one is used" "$(total "$DB" "số hóa")" 1
# Too damaged to read them (page 1, the schema, is noise): say so
head -c 16284 /dev/urandom | dd of="$DB" bs=1 seek=100 conv=notrunc status=none
out=$("$VNINDEX" --db "$DB" --rebuild "$K" 2>&1); rc=$?
equals "--rebuild of an unreadable index: exit 0, all re-added" "$rc:$(counts "$out")" "0:2 0 0 0 0"
contains "--rebuild of an unreadable index: says the settings are lost" "$out" \
    "keep.db: cannot read the old index's --base-url and --content-selector settings ("
contains "--rebuild of an unreadable index: says to give them again" "$out" "give them again"
equals "--rebuild of an unreadable index: no URL then" "$(field "$DB" '"giao ban công tác với phòng nội vụ"' url)" null

# A page's own address wins (when this build reads HTML pages)
H=$TMP/html
mkdir -p "$H"
cat >"$H/trang.html" <<'EOF'
<!DOCTYPE html><html><head><meta charset="utf-8"><title>Hội nghị về lưu trữ số</title>
<link rel="canonical" href="https://portal.example.vn/tin/hoi-nghi-luu-tru-so"></head>
<body><h1>Hội nghị về lưu trữ số</h1><p>Sáng nay, hội nghị chuyên đề về lưu trữ số
đã diễn ra với sự tham gia của nhiều đơn vị trong thành phố.</p></body></html>
EOF
"$VNINDEX" --db "$TMP/h.db" --quiet --base-url https://fallback.example.vn "$H" >/dev/null 2>&1
if [ "$(total "$TMP/h.db" "lưu trữ số")" = 1 ]; then
    equals "an HTML page's canonical URL wins over --base-url" \
        "$(field "$TMP/h.db" "lưu trữ số" url)" "https://portal.example.vn/tin/hoi-nghi-luu-tru-so"
else
    skip "this build does not index .html pages yet"
fi

# ---- what an archive does between two runs ----------------------------------------------

E=$TMP/edge
mkdir -p "$E/sub"
cp corpus/2023-02-23-giao-ban-phong-noi-vu.txt "$E/a.txt"
cp corpus/2023-03-16-tap-huan-nghiep-vu-van-thu.txt "$E/b.txt"
cp corpus/2023-04-13-ke-hoach-ung-dung-cong-nghe-so.txt "$E/sub/c.txt"
DB=$TMP/edge.db
out=$("$VNINDEX" --db "$DB" "$E" 2>&1)
equals "edge: first run" "$(counts "$out")" "3 0 0 0 0"

mv "$E/a.txt" "$E/renamed.txt"
out=$("$VNINDEX" --db "$DB" "$E" 2>&1)
equals "rename: one added, one removed" "$(counts "$out")" "1 0 1 2 0"
equals "rename: found under the new name" "$(basename "$(field "$DB" '"giao ban công tác với phòng nội vụ"' path)")" renamed.txt

touch -d '2031-02-03' "$E/b.txt"
out=$("$VNINDEX" --db "$DB" "$E" 2>&1); rc=$?
equals "touch without change: unchanged, exit 0" "$rc:$(counts "$out")" "0:0 0 0 3 0"

rm "$E/b.txt"
mkdir "$E/b.txt"
cp corpus/2023-05-18-gap-go-cong-chuc-tre.txt "$E/b.txt/inside.txt"
out=$("$VNINDEX" --db "$DB" "$E" 2>&1); rc=$?
equals "file replaced by a folder: old article removed, the folder's added" "$rc:$(counts "$out")" "0:1 0 1 2 0"
equals "file replaced by a folder: its article found" "$(field "$DB" '"gặp gỡ công chức, viên chức trẻ"' path)" "$E/b.txt/inside.txt"
equals "file replaced by a folder: the old one gone" "$(total "$DB" '"nghiệp vụ văn thư"')" 0

ln -s loop.txt "$E/loop.txt"               # a link to itself
ln -s ../missing "$E/dangling"             # to nothing, not named like an article
rm "$E/renamed.txt"
out=$("$VNINDEX" --db "$DB" "$E" 2>&1); rc=$?
equals "symlink loop: exit 1, the rest done" "$rc:$(counts "$out")" "1:0 0 1 2 1"
contains "symlink loop: named with the reason" "$out" "loop.txt: Too many levels of symbolic links"
lacks "dangling link to a folder: not an error" "$out" "dangling"
equals "deletions still happen beside a broken link" "$(total "$DB" '"giao ban công tác với phòng nội vụ"')" 0
rm "$E/loop.txt" "$E/dangling"

# Unreadable file and folder: root reads everything, so run as nobody
R=$TMP/unread
mkdir -p "$R/closed"
cp corpus/2023-02-23-giao-ban-phong-noi-vu.txt "$R/one.txt"
cp corpus/2023-03-16-tap-huan-nghiep-vu-van-thu.txt "$R/two.txt"
cp corpus/2023-04-13-ke-hoach-ung-dung-cong-nghe-so.txt "$R/closed/three.txt"
cp corpus/2023-05-18-gap-go-cong-chuc-tre.txt "$R/gone.txt"
AS=()
if [ "$(id -u)" = 0 ]; then
    # root ignores chmod 000; nobody does not
    if command -v setpriv >/dev/null && id nobody >/dev/null 2>&1 \
        && setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups test -x "$VNINDEX"; then
        AS=(setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups)
        chmod 755 "$TMP"
        chown -R nobody "$R"
    fi
fi
if [ "$(id -u)" != 0 ] || [ ${#AS[@]} -gt 0 ]; then
    DB=$R/../unread.db
    mkdir -p "$TMP/udb"; [ ${#AS[@]} -gt 0 ] && chown nobody "$TMP/udb"
    DB=$TMP/udb/u.db
    out=$("${AS[@]}" "$VNINDEX" --db "$DB" "$R" 2>&1)
    equals "unreadable: first run reads all" "$(counts "$out")" "4 0 0 0 0"
    printf 'Đoạn thêm.\n' >>"$R/two.txt"
    chmod 000 "$R/two.txt" "$R/closed"
    rm "$R/gone.txt"
    out=$("${AS[@]}" "$VNINDEX" --db "$DB" "$R" 2>&1); rc=$?
    equals "unreadable file and folder: exit 1" "$rc" 1
    contains "unreadable file: named with the reason" "$out" "two.txt: cannot read: Permission denied"
    contains "unreadable folder: named with the reason" "$out" "closed: cannot read directory: Permission denied"
    equals "unreadable: counted as failed, deletion still done" "$(counts "$out")" "0 0 1 1 2"
    equals "unreadable file: its article kept" "$(total "$DB" '"nghiệp vụ văn thư"')" 1
    equals "unreadable folder: its article kept" "$(total "$DB" '"ứng dụng công nghệ số"')" 1
    chmod 644 "$R/two.txt"; chmod 755 "$R/closed"
    out=$("${AS[@]}" "$VNINDEX" --db "$DB" "$R" 2>&1); rc=$?
    equals "readable again: updated, exit 0" "$rc:$(counts "$out")" "0:0 1 0 2 0"
else
    skip "unreadable files: running as root without setpriv(1) to become nobody"
fi

# ---- the progress bar ---------------------------------------------------------------------

if command -v script >/dev/null; then
    G=$TMP/bar
    gen "$G" 450 vangmot
    out=$(script -qec "stty cols 100; '$VNINDEX' --db '$TMP/bar.db' '$G'" /dev/null)
    contains "terminal: a bar that fills" "$out" "100% [########################] 450 files, "
    contains "terminal: a rate and an ETA" "$out" "/s, ETA 0:00"
    contains "terminal: the bar is cleared for the summary" "$out" $'\r\033[Kvnindex: 450 added'
    out=$(script -qec "stty cols 50; '$VNINDEX' --db '$TMP/bar2.db' '$G'" /dev/null)
    lacks "narrow terminal: no bar, still the count" "$out" "[####"
    contains "narrow terminal: the count and ETA" "$out" "450 files, "
    out=$(script -qec "'$VNINDEX' --quiet --db '$TMP/bar3.db' '$G'" /dev/null)
    equals "terminal, --quiet: nothing at all" "$out" ""
else
    skip "progress bar: needs script(1)"
fi

# ---- the command line ------------------------------------------------------------------------

help=$("$VNINDEX" --help); rc=$?
equals "--help: exit 0" "$rc" 0
for opt in --db --rebuild --base-url --wait --quiet --stats --check --optimize --help; do
    contains "--help documents $opt" "$help" "  $opt"
done
for code in 0 1 2 3 4 5; do
    contains "--help documents exit status $code" "$help" "
  $code  "
done
contains "--help shows a crontab line" "$help" "0 * * * *  vnindex --quiet --wait"
for args in "--wait abc corpus" "--wait -1 corpus" "--stats corpus" "--check --optimize" \
            "--stats --rebuild" "--base-url http://x.vn --check" "--db $TMP/u.db"; do
    out=$("$VNINDEX" $args 2>&1); rc=$?
    equals "misuse '$args': exit 2" "$rc" 2
    lacks "misuse '$args': no usage dump" "$out" "Exit status"
done
out=$("$VNINDEX" --wait abc corpus 2>&1)
contains "misuse: names the problem" "$out" "--wait wants a number of seconds"
contains "misuse: hints at --help" "$out" "vnindex --help"
