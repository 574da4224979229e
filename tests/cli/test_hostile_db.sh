# Hostile databases (issue 7): what --db may point at besides an index of
# ours. An SQLite database of another application, an index of another
# schema or tokenizer version and a directory must each be refused with
# one clear line and the database exit status (3), and the file left byte
# for byte as it was (same SHA-256), by every vnindex mode (--rebuild
# included: it copies over the old file) and by vnquery. An empty SQLite
# file or a missing one becomes an index. Every run is under `timeout`;
# a sanitizer report fails the case. RELIABILITY.md lists every case.
. "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/../.."

# ---- helpers (run, sane and one_line are in lib.sh) -----------------------

hash() { sha256sum "$1" | cut -d' ' -f1; }

# refused WHAT NEEDLE LIMIT PROG ARGS...: the run exits 3 with one line
# holding NEEDLE.
refused() {
    local what=$1 needle=$2
    shift 2
    run "$@"
    sane "$what" 3
    one_line "$what: one line" "$needle"
}

# refused_everywhere WHAT DB NEEDLE: every program and mode on DB is
# refused with NEEDLE and leaves DB as it was. Each run starts from the
# original bytes, so that one failure does not hide the next.
refused_everywhere() {
    local what=$1 db=$2 needle=$3 before prog args name
    cp "$db" "$TMP/orig.db"
    before=$(hash "$db")
    while read -r prog args; do
        cp "$TMP/orig.db" "$db" && rm -f "$db-wal" "$db-shm"
        name="${prog,,} ${args%% corpus}"
        # shellcheck disable=SC2086
        refused "$what ($name)" "$needle" 60 "${!prog}" --db "$db" $args
        equals "$what: unchanged by $name" "$(hash "$db")" "$before"
        ok "$what: no DB.rebuild left beside it by $name" test ! -e "$db.rebuild"
        [ "$prog" = VNQUERY ] && lacks "$what: vnquery does not suggest indexing into it" \
            "$err" "vnindex --db"
    done <<'EOF2'
VNINDEX corpus
VNINDEX --rebuild corpus
VNINDEX --stats
VNINDEX --check
VNINDEX --optimize
VNQUERY tinh gian bien che
EOF2
    cp "$TMP/orig.db" "$db" && rm -f "$db-wal" "$db-shm"
}

# ---- another application's database -------------------------------------------

O=$TMP/other.db
sqlite3 "$O" 'CREATE TABLE t(x); INSERT INTO t VALUES (1)'
refused_everywhere "another application's database" "$O" \
    "other.db is an SQLite database of another application (tables: t); not touching it"
equals "another application's database: its table still there" \
    "$(sqlite3 -readonly "$O" 'SELECT count(*) FROM t')" 1

# In WAL mode, as many applications keep theirs.
W=$TMP/otherwal.db
sqlite3 "$W" 'PRAGMA journal_mode=WAL; CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT);
              INSERT INTO notes(body) VALUES (1), (2)' >/dev/null
refused_everywhere "another application's WAL database" "$W" "(tables: notes)"
equals "another application's WAL database: its rows still there" \
    "$(sqlite3 -readonly "$W" 'SELECT count(*) FROM notes')" 2

# A table named like one of ours is not our schema: vn_meta is.
A=$TMP/article.db
sqlite3 "$A" 'CREATE TABLE article(id INTEGER PRIMARY KEY, path TEXT)'
refused_everywhere "a database with a table named article but no vn_meta" "$A" "(tables: article)"

# Only a view; many tables; names with a line break and a quote: still one line.
V=$TMP/view.db
sqlite3 "$V" 'CREATE VIEW v AS SELECT 1 AS x'
refused "a database holding only a view" "(tables: v)" 30 "$VNQUERY" --db "$V" x
M=$TMP/many.db
{
    for i in $(seq 60); do echo "CREATE TABLE table_number_$i(x);"; done
    printf 'CREATE TABLE "line\nbreak"(x); CREATE TABLE "it""s"(x);\n'
} | sqlite3 "$M"
h=$(hash "$M")
refused "60 tables (vnindex)" "table_number_1, table_number_2" 60 "$VNINDEX" --db "$M" corpus
contains "60 tables: the list is cut short" "$err" ", ...); not touching it"
ok "60 tables: the message stays short" test "${#err}" -lt 400
equals "60 tables: unchanged" "$(hash "$M")" "$h"
L=$TMP/linebreak.db
printf 'CREATE TABLE "line\nbreak"(x); CREATE TABLE "it""s"(x);\n' | sqlite3 "$L"
refused "a table name with a line break (vnquery)" "(tables: line?break, it\"s)" 30 \
    "$VNQUERY" --db "$L" x
refused "a table name with a line break (vnindex)" "(tables: line?break, it\"s)" 60 \
    "$VNINDEX" --db "$L" corpus

# The server refuses to start on it.
run 30 "$VNQUERY" serve --db "$O" --listen 127.0.0.1:0 --threads 1
if [ "$rc" -eq 1 ] && grep -q libmicrohttpd "$TMP/err"; then
    skip "another application's database (vnquery serve): libmicrohttpd missing"
else
    sane "another application's database (vnquery serve)" 3
    one_line "another application's database (vnquery serve): one line" \
        "SQLite database of another application"
fi

# ---- empty and missing files become an index ------------------------------------

: >"$TMP/zero.db"
sqlite3 "$TMP/empty.db" 'PRAGMA user_version = 7' # a header page, no tables
for f in zero empty missing; do
    run 30 "$VNQUERY" --db "$TMP/$f.db" x
    sane "$f file (vnquery, before indexing)" 3
    run 120 "$VNINDEX" --db "$TMP/$f.db" corpus
    sane "$f file: vnindex makes it an index" 0
    run 30 "$VNQUERY" --db "$TMP/$f.db" tinh gian bien che
    contains "$f file: then searchable" "$out" "tinh-gian-bien-che"
done

# ---- another schema or tokenizer version ------------------------------------

I=$TMP/index.db
"$VNINDEX" --db "$I" --quiet corpus
# name|SQL that makes the index another version|what the message says
while IFS='^' read -r name sql needle; do
    D=$TMP/version.db
    rm -f "$D" "$D-wal" "$D-shm"
    cp "$I" "$D"
    sqlite3 "$D" "$sql"
    h=$(hash "$D")
    refused "$name (vnindex)" "$needle" 60 "$VNINDEX" --db "$D" corpus
    contains "$name (vnindex): names the fix" "$err" "vnindex --rebuild"
    equals "$name: unchanged by vnindex" "$(hash "$D")" "$h"
    for mode in --stats --check --optimize; do
        refused "$name (vnindex $mode)" "$needle" 60 "$VNINDEX" --db "$D" $mode
        equals "$name: unchanged by vnindex $mode" "$(hash "$D")" "$h"
    done
    refused "$name (vnquery)" "$needle" 30 "$VNQUERY" --db "$D" tinh gian bien che
    contains "$name (vnquery): names the fix" "$err" "vnindex --rebuild"
    equals "$name: unchanged by vnquery" "$(hash "$D")" "$h"
    run 120 "$VNINDEX" --db "$D" --rebuild corpus
    sane "$name: --rebuild, as the message says" 0
    run 30 "$VNQUERY" --db "$D" tinh gian bien che
    contains "$name: searchable after --rebuild" "$out" "tinh-gian-bien-che"
done <<'EOF'
a higher schema version^UPDATE vn_meta SET value = '3' WHERE key = 'schema_version'^made by a newer version (schema 3,
a lower schema version^UPDATE vn_meta SET value = '1' WHERE key = 'schema_version'^made by another version (schema 1,
a higher tokenizer version^UPDATE vn_meta SET value = '99' WHERE key = 'tokenizer_version'^tokenizer 99;
no schema version^DELETE FROM vn_meta WHERE key = 'schema_version'^(schema ?,
a schema version of two lines^UPDATE vn_meta SET value = '2' || char(10) || 'x' WHERE key = 'schema_version'^(schema 2?x,
EOF

# ---- a directory --------------------------------------------------------------

D=$TMP/dir
mkdir "$D"
refused "a directory (vnindex)" "dir is a directory" 60 "$VNINDEX" --db "$D" corpus
lacks "a directory: not SQLite's 'disk I/O error'" "$err" "disk I/O"
refused "a directory with a slash (vnindex)" "dir/ is a directory" 60 "$VNINDEX" --db "$D/" corpus
refused "a directory (vnindex --rebuild)" "dir is a directory" 60 "$VNINDEX" --db "$D" --rebuild corpus
for mode in --stats --check --optimize; do
    refused "a directory (vnindex $mode)" "dir is a directory" 60 "$VNINDEX" --db "$D" $mode
done
refused "a directory (vnquery)" "dir is a directory" 30 "$VNQUERY" --db "$D" x
lacks "a directory (vnquery): not SQLite's 'disk I/O error'" "$err" "disk I/O"
equals "a directory: nothing written into it" "$(ls -A "$D")" ""
