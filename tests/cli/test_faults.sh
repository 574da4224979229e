# Faults (issue 7): the disk fills up while vnindex writes. The run must
# fail with a clear one-line message and exit 3, leave the index holding
# none or all of the run (a run into an index that holds articles is one
# transaction), undamaged, and the next run with room must complete it.
# Two ways to fill the disk: a file size limit (ulimit -f, SIGXFSZ
# ignored so writes fail with EFBIG; works anywhere) and a small tmpfs
# (ENOSPC; needs root and mount, skipped otherwise). SIGKILL during a
# run is the indexer's crash test, not repeated here.
. "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/../.."

# articles DIR N SEED: N articles of about 2 KB, each with its word zzzfN.
articles() {
    mkdir -p "$1"
    python3 - "$1" "$2" "$3" <<'EOF'
import random, sys
d, n, r = sys.argv[1], int(sys.argv[2]), random.Random(int(sys.argv[3]))
syl = ("tinh giản biên chế cải cách hành chính ủy ban nhân dân thành phố "
       "sở nội vụ công chức viên năm kế hoạch triển khai").split()
for i in range(n):
    with open("%s/a%04d.txt" % (d, i), "w") as f:
        f.write("Bài %d zzzf%d\n" % (i, i))
        f.write(" ".join(r.choice(syl) + ("%d" % r.randrange(10**6) if r.random() < 0.5 else "")
                         for _ in range(300)) + ".\n")
EOF
}

# snapshot DB: the paths a search finds, in order, and the article count.
snapshot() {
    "$VNQUERY" --db "$1" --limit 1000 tinh gian bien che 2>&1 | sed -n 's/^   \//\//p' | md5sum
    sqlite3 -readonly "$1" 'SELECT count(*) FROM article'
}
count() { sqlite3 -readonly "$1" 'SELECT count(*) FROM article'; }

# check DB WHAT: the index passes vnindex --check (SQLite and FTS5).
check() {
    local o rc
    o=$("$VNINDEX" --db "$1" --check 2>&1)
    rc=$?
    equals "$2: vnindex --check finds no damage" "$rc" 0
    [ "$rc" -eq 0 ] || printf '%s\n' "$o" | head -5
}

# after_fault WHAT RC ERR BEFORE DB WHY: the common assertions; WHY is
# what the message must say.
after_fault() {
    local what=$1 rc=$2 err=$3 before=$4 db=$5 why=$6
    if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then fail "$what: hung"; return; fi
    equals "$what: exit 3" "$rc" 3
    lacks "$what: no sanitizer report" "$err" "Sanitizer"
    equals "$what: one line on stderr" "$(printf '%s\n' "$err" | wc -l)" 1
    contains "$what: says why" "$err" "$why"
    equals "$what: index unchanged" "$(snapshot "$db")" "$before"
    check "$db" "$what"
}

BASE=$TMP/base.db
"$VNINDEX" --db "$BASE" --quiet corpus
articles "$TMP/more" 200 1
articles "$TMP/many" 700 2

# ---- a file size limit -------------------------------------------------------

DB=$TMP/ulimit.db
cp "$BASE" "$DB"
before=$(snapshot "$DB")
limit=$(( ($(stat -c %s "$DB") + 65536) / 1024 ))
err=$( (trap '' XFSZ; ulimit -f "$limit"; timeout 120 "$VNINDEX" --db "$DB" "$TMP/more") 2>&1 >/dev/null)
rc=$?
# EFBIG reaches SQLite as a write error (SQLITE_IOERR), not SQLITE_FULL.
after_fault "file size limit ($limit KB) while indexing" "$rc" "$err" "$before" "$DB" \
    "disk I/O error"
out=$(timeout 120 "$VNINDEX" --db "$DB" "$TMP/more" 2>&1)
equals "file size limit lifted: the next run completes" "$?" 0
contains "file size limit lifted: every article added" "$out" "200 added"

# ---- a full file system ----------------------------------------------------------

M=$TMP/mnt
mkdir -p "$M"
if [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size=1m tmpfs "$M" 2>/dev/null; then
    trap 'umount "$M" 2>/dev/null; rm -rf "$TMP"' EXIT
    DB=$M/x.db
    cp "$BASE" "$DB"
    before=$(snapshot "$DB")
    err=$(timeout 120 "$VNINDEX" --db "$DB" "$TMP/more" 2>&1 >/dev/null)
    after_fault "1 MB file system fills while indexing" "$?" "$err" "$before" "$DB" \
        "database or disk is full"
    mount -o remount,size=64m "$M"
    out=$(timeout 120 "$VNINDEX" --db "$DB" "$TMP/more" 2>&1)
    equals "file system grown: the next run completes" "$?" 0
    contains "file system grown: every article added" "$out" "200 added"

    # Full once the articles are committed, in the run's bookkeeping (the
    # run record, merges): whatever the exit code, the index holds none
    # or all of the run's articles, undamaged.
    rm -f "$M"/x.db*
    mount -o remount,size=2m "$M"
    cp "$BASE" "$DB"
    n0=$(count "$DB")
    err=$(timeout 120 "$VNINDEX" --db "$DB" "$TMP/more" 2>&1 >/dev/null)
    rc=$?
    n=$(count "$DB")
    case "$rc:$((n - n0))" in
    3:0 | 3:200 | 0:200 | 1:200) pass "2 MB file system: exit $rc, $((n - n0)) of 200 articles kept" ;;
    *) fail "2 MB file system: exit $rc with $((n - n0)) of 200 articles kept: $err" ;;
    esac
    check "$DB" "2 MB file system"
    mount -o remount,size=64m "$M"
    out=$(timeout 120 "$VNINDEX" --db "$DB" "$TMP/more" 2>&1)
    equals "2 MB file system grown: the next run completes" "$?" 0
    equals "2 MB file system grown: every article there" "$(count "$DB")" $((n0 + 200))

    # Longer than a first build's batch (500 articles), into an index that
    # holds articles: one transaction, so whatever ran out of room (the
    # run, or the merge after it) the index holds none or all of the run.
    # The file system is sized at 85% of what the whole run needs.
    cp "$BASE" "$M/probe.db"
    timeout 120 "$VNINDEX" --db "$M/probe.db" --quiet "$TMP/many"
    full=$(du -sk "$M" | cut -f1)
    rm -f "$M"/probe.db*
    umount "$M"
    mount -t tmpfs -o size=$(( full * 85 / 100 ))k tmpfs "$M"
    DB=$M/x.db
    cp "$BASE" "$DB"
    n0=$(count "$DB")
    err=$(timeout 120 "$VNINDEX" --db "$DB" "$TMP/many" 2>&1 >/dev/null)
    rc=$?
    n=$(count "$DB")
    equals "disk full during a long run: exit 3" "$rc" 3
    contains "disk full during a long run: says why" "$err" "full"
    if [ $((n - n0)) -eq 700 ]; then
        contains "disk full in the merge after the run: says the articles are stored" "$err" \
            "this run's articles are stored and searchable, run vnindex --optimize"
    fi
    case $((n - n0)) in
    0 | 700) pass "disk full during a long run: none or all of its 700 articles ($((n - n0)) kept)" ;;
    *) fail "disk full during a long run: $((n - n0)) of 700 articles kept, not none or all" ;;
    esac
    check "$DB" "disk full during a long run"
    out=$("$VNQUERY" --db "$DB" --json --limit 1 zzzf0 2>&1)
    contains "disk full during a long run: kept articles are searchable" "$out" \
        "\"total\": $(( n > n0 ? 1 : 0 ))"
    mount -o remount,size=64m "$M"
    out=$(timeout 120 "$VNINDEX" --db "$DB" "$TMP/many" 2>&1)
    equals "room again: the next run completes" "$?" 0
    equals "room again: every article there" "$(count "$DB")" $((n0 + 700))
    umount "$M"
else
    skip "full file system: needs root and a tmpfs mount (the ulimit -f case above still runs)"
fi
