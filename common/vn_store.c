/* vn_store.c: see vn_store.h. */
#include "vn_store.h"

#include "vn_buf.h"
#include "vn_expand.h"
#include "vn_mem.h"
#include "vn_snip.h"
#include "vn_tok.h"
#include "vn_zip.h"

#include <sqlite3.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define BUSY_MS 10000
#define SNIPPET_TOKENS 36
#define TITLE_WEIGHT 10.0
#define STR_(x) #x
#define STR(x) STR_(x)
/* BM25 times up to 3 for the query's words near each other; results
 * holding them adjacent and in order all come before the rest, whatever
 * BM25 says (vn_rank, vn_snip.h). */
#define RANK "vn_rank(article_fts, 'article_fts', ?7, ?8, 1.0, " STR(TITLE_WEIGHT) ")"
/* Bodies are a few KB compressed: with 16 KB pages they waste 3 MB of
 * page space on the 35k corpus where 4 KB pages wasted 15 MB (and index
 * faster). Takes effect when the file is created. */
#define PAGE_SIZE "16384"
#define VN_STORE_DICTS 8
#define MMAP_SIZE "1073741824" /* 1 GiB of address space, not of memory */

static const char *const schema_sql =
    "CREATE TABLE vn_meta(key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;"
    "CREATE TABLE article("
    "  id INTEGER PRIMARY KEY,"
    "  path TEXT NOT NULL UNIQUE,"
    "  url TEXT, title TEXT NOT NULL, date TEXT, author TEXT,"
    "  size INTEGER NOT NULL, mtime INTEGER NOT NULL, hash INTEGER NOT NULL,"
    "  body BLOB NOT NULL);"
    "CREATE VIEW article_text(id, body, title) AS"
    "  SELECT id, vn_unzip(body), title FROM article;"
    /* The body first: FTS5 writes a two-byte column marker in the
     * position list of every (term, article) outside column 0, so this
     * order keeps the index a quarter smaller than (title, body). */
    "CREATE VIRTUAL TABLE article_fts USING fts5(body, title,"
    "  content='article_text', content_rowid='id',"
    "  tokenize='" VN_TOK_NAME "', detail=full);"
    /* FTS5 merges 4 b-trees of a level into one by default (16 when a
     * level holds 16), over and over as a big run grows the index; the
     * indexer fully merges at the end of a run anyway (indexer/admin.c),
     * so waiting for 64 saves that work, and more so the bigger the run:
     * each level of merges rewrites the whole index once more. A pending
     * hash of 8 MB (1 MB by default) writes fewer, larger b-trees to merge.
     * Measured against 16 and 1 MB: the 35k build as fast (8.4 s), the
     * 354k one 10% faster (90.6 -> 81.5 s), peak RSS +1.5 MB. */
    "INSERT INTO article_fts(article_fts, rank) VALUES('automerge', 64);"
    "INSERT INTO article_fts(article_fts, rank) VALUES('crisismerge', 64);"
    "INSERT INTO article_fts(article_fts, rank) VALUES('hashsize', 8388608);"
    "CREATE TABLE vn_spelling(fold TEXT NOT NULL, canon TEXT NOT NULL,"
    "  PRIMARY KEY(fold, canon)) WITHOUT ROWID;"
    "CREATE TABLE vn_dict(id INTEGER PRIMARY KEY, data BLOB NOT NULL);"
    "INSERT INTO vn_meta VALUES('schema_version', '" VN_STORE_SCHEMA "'),"
    "  ('tokenizer_version', '" VN_TOK_VERSION "');";

/* Prepared statements, by purpose. */
enum {
    Q_LOOKUP, Q_INSERT, Q_UPDATE, Q_FTS_ADD, Q_FTS_DEL, Q_DELETE, Q_TOUCH,
    Q_UNDER, Q_SEARCH, Q_SEARCH_F, Q_SNIPPET, Q_ARTICLE, Q_ARTICLE_TEXT, Q_COUNT, Q_META_GET, Q_META_SET,
    Q_MATCH_COUNT, Q_DICT_GET, Q_DICT_LAST, Q_DICT_ADD, Q_KNOWS_ANY, Q_KNOWS, Q_VOCAB, Q_TERM_DOCS, Q_BEGIN, Q_COMMIT, Q_ROLLBACK, Q_N
};

static const char *const stmt_sql[Q_N] = {
    [Q_LOOKUP] = "SELECT id, size, mtime, hash FROM article WHERE path = ?1",
    [Q_INSERT] = "INSERT INTO article(path, url, title, date, author, size, mtime, hash, body)"
                 " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    [Q_UPDATE] = "UPDATE article SET path = ?1, url = ?2, title = ?3, date = ?4,"
                 " author = ?5, size = ?6, mtime = ?7, hash = ?8, body = ?9 WHERE id = ?10",
    [Q_FTS_ADD] = "INSERT INTO article_fts(rowid, title, body) VALUES (?1, ?2, ?3)",
    /* VALUES, not INSERT ... SELECT: a statement savepoint would make
     * FTS5 flush its pending data, one new segment per update. */
    [Q_FTS_DEL] = "INSERT INTO article_fts(article_fts, rowid, body, title) VALUES ('delete', ?1,"
                  " (SELECT body FROM article_text WHERE id = ?1),"
                  " (SELECT title FROM article_text WHERE id = ?1))",
    [Q_DELETE] = "DELETE FROM article WHERE id = ?1",
    [Q_TOUCH] = "UPDATE article SET mtime = ?2 WHERE id = ?1",
    [Q_UNDER] = "SELECT id, path FROM article WHERE path = ?1"
                " OR (path >= ?1 || '/' AND path < ?1 || '0')",
    [Q_SEARCH] = "SELECT id, r FROM ("
                 "  SELECT rowid AS id, " RANK " AS r"
                 "  FROM article_fts WHERE article_fts MATCH ?1)"
                 " ORDER BY r, id LIMIT ?2 OFFSET ?3",
    /* With date bounds or a date order: the article row joins in. */
    [Q_SEARCH_F] = "SELECT id, r FROM ("
                   "  SELECT f.rowid AS id, " RANK " AS r, a.date AS date"
                   "  FROM article_fts f JOIN article a ON a.id = f.rowid"
                   "  WHERE article_fts MATCH ?1"
                   "    AND (?4 IS NULL OR a.date >= ?4) AND (?5 IS NULL OR a.date <= ?5))"
                   " ORDER BY CASE WHEN ?6 = 0 THEN 0 ELSE date IS NULL END,"
                   "  CASE WHEN ?6 = 1 THEN date END DESC,"
                   "  CASE WHEN ?6 = 2 THEN date END ASC, r, id"
                   " LIMIT ?2 OFFSET ?3",
    [Q_SNIPPET] = "SELECT vn_snippet(article_fts, ?3, ?4) FROM article_fts"
                  " WHERE article_fts MATCH ?1 AND rowid = ?2",
    [Q_ARTICLE] = "SELECT path, url, title, date, author FROM article WHERE id = ?1",
    [Q_ARTICLE_TEXT] = "SELECT path, url, title, date, author, vn_unzip(body) FROM article"
                       " WHERE id = ?1",
    [Q_COUNT] = "SELECT count(*) FROM article",
    [Q_MATCH_COUNT] = "SELECT count(*) FROM article_fts WHERE article_fts MATCH ?1",
    [Q_META_GET] = "SELECT value FROM vn_meta WHERE key = ?1",
    [Q_META_SET] = "INSERT OR REPLACE INTO vn_meta(key, value) VALUES (?1, ?2)",
    [Q_DICT_GET] = "SELECT data FROM vn_dict WHERE id = ?1",
    [Q_DICT_LAST] = "SELECT id, data FROM vn_dict ORDER BY rowid DESC LIMIT 1",
    [Q_DICT_ADD] = "INSERT OR REPLACE INTO vn_dict(id, data) VALUES (?1, ?2)",
    [Q_KNOWS_ANY] = "SELECT 1 FROM vn_spelling WHERE fold = ?1 LIMIT 1",
    [Q_KNOWS] = "SELECT 1 FROM vn_spelling WHERE fold = ?1 AND canon = ?2",
    [Q_VOCAB] = "SELECT canon FROM vn_spelling WHERE fold >= ?1 AND fold < ?2",
    [Q_TERM_DOCS] = "SELECT doc FROM temp.vn_vocab WHERE term = ?1",
    [Q_BEGIN] = "BEGIN IMMEDIATE",
    [Q_COMMIT] = "COMMIT",
    [Q_ROLLBACK] = "ROLLBACK",
};

struct vn_store {
    sqlite3 *db;
    vn_tok *tok;
    int mode;
    char *path;
    sqlite3_stmt *stmt[Q_N];  /* prepared on first use */
    vn_buf zbuf;              /* compressed body scratch */
    /* zlib dictionaries read so far (an archive has one or a few); the
     * last one added is what new bodies are compressed against. */
    struct stored_dict {
        uint32_t id;
        vn_buf data;
    } dicts[VN_STORE_DICTS];
    int ndicts;
    int current;              /* index into dicts, or -1 */
    int have_dict;            /* vn_dict holds one: no more training */
    const vn_mem *mem;        /* ranks instead of FTS5 when current, or NULL */
    vn_zip_inflater *inflater; /* for vn_unzip: made on first use */
    fts5_api *fts5;           /* the connection's, for vn_mem's tokenizing */
    int64_t mem_answers;      /* searches and counts vn_mem answered */
    int changed;              /* articles put or deleted since vn_store_begin */
};

/* ---- helpers ------------------------------------------------------------ */

static int db_error(vn_store *st, const char *what, vn_err *err)
{
    int code = sqlite3_errcode(st->db);
    int rc = code == SQLITE_BUSY || code == SQLITE_LOCKED ? VN_EBUSY : VN_EDB;
    if (code == SQLITE_NOTADB)
        return vn_err_set(err, VN_EDB, "%s is not an index database (not an SQLite file)",
                          st->path);
    if (code == SQLITE_CORRUPT)
        return vn_err_set(err, VN_EDB, "%s is damaged (%s): run vnindex --rebuild",
                          st->path, sqlite3_errmsg(st->db));
    return vn_err_set(err, rc, "%s: %s: %s", st->path, what, sqlite3_errmsg(st->db));
}

/* The statement for purpose q, reset and with bindings cleared. */
static sqlite3_stmt *stmt(vn_store *st, int q, vn_err *err)
{
    if (st->stmt[q] == NULL
        && sqlite3_prepare_v3(st->db, stmt_sql[q], -1, SQLITE_PREPARE_PERSISTENT,
                              &st->stmt[q], NULL) != SQLITE_OK) {
        db_error(st, "cannot prepare a statement", err);
        return NULL;
    }
    sqlite3_reset(st->stmt[q]);
    sqlite3_clear_bindings(st->stmt[q]);
    return st->stmt[q];
}

/* Step a statement that returns no rows. */
static int run(vn_store *st, sqlite3_stmt *s, const char *what, vn_err *err)
{
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? VN_OK : db_error(st, what, err);
}

static void bind_text(sqlite3_stmt *s, int i, const char *v)
{
    if (v == NULL)
        sqlite3_bind_null(s, i);
    else
        sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
}

/* Run statement q (its ?1 bound to arg, when not NULL) for one integer:
 * *out, 0 when it returns no row. */
static int one_int(vn_store *st, int q, const char *arg, int64_t *out, const char *what,
                   vn_err *err)
{
    sqlite3_stmt *s = stmt(st, q, err);
    *out = 0;
    if (s == NULL)
        return VN_EDB;
    if (arg != NULL)
        bind_text(s, 1, arg);
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW)
        *out = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    return step == SQLITE_ROW || step == SQLITE_DONE ? VN_OK : db_error(st, what, err);
}

static int exec(vn_store *st, const char *sql, const char *what, vn_err *err)
{
    return sqlite3_exec(st->db, sql, NULL, NULL, NULL) == SQLITE_OK
               ? VN_OK : db_error(st, what, err);
}

/* ---- zlib dictionaries ------------------------------------------------------------ */

/* Keep a copy of a dictionary. OUT: *slot, its index. */
static int dict_keep(vn_store *st, uint32_t id, const void *data, size_t n, int *slot,
                     vn_err *err)
{
    for (int i = 0; i < st->ndicts; i++)
        if (st->dicts[i].id == id) {
            *slot = i;
            return VN_OK;
        }
    if (st->ndicts == VN_STORE_DICTS) /* never in practice: forget the oldest */
        vn_buf_reset(&st->dicts[--st->ndicts].data);
    struct stored_dict *d = &st->dicts[st->ndicts];
    vn_buf_reset(&d->data);
    if (vn_buf_add(&d->data, data, n) != VN_OK)
        return vn_err_set(err, VN_ENOMEM, "out of memory reading a zlib dictionary");
    d->id = id;
    *slot = st->ndicts++;
    return VN_OK;
}

/* vn_zip_dict_fn: from the cache, else from the vn_dict table. */
static int dict_find(void *ctx, uint32_t id, vn_zip_dict *dict, vn_err *err)
{
    vn_store *st = ctx;
    int slot = -1, rc = VN_OK;
    for (int i = 0; i < st->ndicts && slot < 0; i++)
        if (st->dicts[i].id == id)
            slot = i;
    if (slot < 0) {
        sqlite3_stmt *s = stmt(st, Q_DICT_GET, err);
        if (s == NULL)
            return VN_EDB;
        sqlite3_bind_int64(s, 1, id);
        rc = sqlite3_step(s) == SQLITE_ROW
                 ? dict_keep(st, id, sqlite3_column_blob(s, 0),
                             (size_t)sqlite3_column_bytes(s, 0), &slot, err)
                 : VN_ENOTFOUND;
        sqlite3_reset(s);
    }
    if (rc == VN_OK)
        *dict = (vn_zip_dict){st->dicts[slot].data.data, st->dicts[slot].data.len, id};
    return rc;
}

int vn_store_dict(vn_store *st, vn_zip_dict *dict, vn_err *err)
{
    if (st->current < 0) {
        sqlite3_stmt *s = stmt(st, Q_DICT_LAST, err);
        if (s == NULL)
            return VN_EDB;
        int rc = VN_ENOTFOUND;
        if (sqlite3_step(s) == SQLITE_ROW)
            rc = dict_keep(st, (uint32_t)sqlite3_column_int64(s, 0),
                           sqlite3_column_blob(s, 1), (size_t)sqlite3_column_bytes(s, 1),
                           &st->current, err);
        sqlite3_reset(s);
        if (rc != VN_OK)
            return rc;
    }
    struct stored_dict *d = &st->dicts[st->current];
    *dict = (vn_zip_dict){d->data.data, d->data.len, d->id};
    return VN_OK;
}

int vn_store_dict_add(vn_store *st, const void *data, size_t n, vn_zip_dict *dict,
                      vn_err *err)
{
    uint32_t id = vn_zip_dict_id(data, n);
    sqlite3_stmt *s = stmt(st, Q_DICT_ADD, err);
    if (s == NULL)
        return VN_EDB;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_blob(s, 2, data, (int)n, SQLITE_STATIC);
    int rc = run(st, s, "cannot store a zlib dictionary", err);
    if (rc == VN_OK)
        rc = dict_keep(st, id, data, n, &st->current, err);
    if (rc == VN_OK)
        rc = vn_store_dict(st, dict, err);
    return rc;
}

static void forget_dicts(vn_store *st)
{
    st->ndicts = 0;
    st->current = -1;
    st->have_dict = 0;
}

/* Train the archive's dictionary once it holds TRAIN_DOCS articles, from
 * the middle of the first of them; bodies stored from then on are
 * compressed against it. Between transactions it commits the dictionary
 * itself; inside one, it is part of the caller's. */
#define TRAIN_DOCS 1000
#define TRAIN_SQL "SELECT vn_unzip(body) FROM article ORDER BY id LIMIT 1000"

static int maybe_train(vn_store *st, vn_err *err)
{
    int own = sqlite3_get_autocommit(st->db);
    vn_zip_dict d;
    int64_t n = 0;
    if (st->mode != VN_STORE_WRITE || st->have_dict)
        return VN_OK;
    int rc = vn_store_dict(st, &d, err);
    if (rc != VN_ENOTFOUND) {
        st->have_dict = rc == VN_OK;
        return rc;
    }
    rc = vn_store_count(st, &n, err);
    if (rc != VN_OK || n < TRAIN_DOCS)
        return rc;
    sqlite3_stmt *s = NULL;
    vn_buf pieces = VN_BUF_INIT, dict = VN_BUF_INIT;
    const char *texts[TRAIN_DOCS];
    size_t lens[TRAIN_DOCS], offs[TRAIN_DOCS], nt = 0;
    if (sqlite3_prepare_v2(st->db, TRAIN_SQL, -1, &s, NULL) != SQLITE_OK)
        return db_error(st, "cannot read articles to train a dictionary", err);
    while (rc == VN_OK && nt < TRAIN_DOCS && sqlite3_step(s) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(s, 0);
        size_t len = (size_t)sqlite3_column_bytes(s, 0), piece = len < 256 ? len : 256;
        offs[nt] = pieces.len;
        lens[nt++] = piece;
        if (t != NULL && vn_buf_add(&pieces, t + (len - piece) / 2, piece) != VN_OK)
            rc = vn_err_set(err, VN_ENOMEM, "out of memory training a dictionary");
    }
    sqlite3_finalize(s);
    for (size_t i = 0; i < nt; i++)
        texts[i] = pieces.data + offs[i];
    if (rc == VN_OK && nt > 0)
        rc = vn_zip_train(texts, lens, nt, &dict, err);
    if (rc == VN_OK && dict.len > 0 && own)
        rc = exec(st, "BEGIN IMMEDIATE", "cannot start a transaction", err);
    if (rc == VN_OK && dict.len > 0) {
        rc = vn_store_dict_add(st, dict.data, dict.len, &d, err);
        if (own)
            rc = rc == VN_OK ? exec(st, "COMMIT", "cannot commit", err) : rc;
        if (rc != VN_OK && own)
            vn_store_rollback(st);
    }
    st->have_dict = rc == VN_OK && dict.len > 0;
    vn_buf_free(&pieces);
    vn_buf_free(&dict);
    return rc;
}

/* ---- vn_unzip(blob): the stored text of an article ------------------------ */

static void sql_unzip(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    vn_buf out = VN_BUF_INIT;
    vn_err err;
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
        return;
    const void *src = sqlite3_value_blob(argv[0]);
    int n = sqlite3_value_bytes(argv[0]);
    vn_store *st = sqlite3_user_data(ctx);
    if (st->inflater == NULL)
        st->inflater = vn_zip_inflater_new(); /* NULL: the usual way */
    if (vn_zip_unpack_with(st->inflater, src, (size_t)n, dict_find, st, &out, &err) != VN_OK) {
        sqlite3_result_error(ctx, err.msg, -1);
        return;
    }
    if (out.data == NULL)
        sqlite3_result_text(ctx, "", 0, SQLITE_STATIC);
    else
        sqlite3_result_text(ctx, out.data, (int)out.len, free);
}

/* ---- open ------------------------------------------------------------------- */

static int register_functions(vn_store *st, vn_err *err)
{
    int rc = sqlite3_create_function(st->db, "vn_unzip", 1,
                                     SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                     st, sql_unzip, NULL, NULL) == SQLITE_OK
                 ? VN_OK : db_error(st, "cannot register vn_unzip", err);
    if (rc == VN_OK)
        rc = vn_tok_register(st->db, &st->tok, err);
    if (rc == VN_OK)
        st->fts5 = vn_tok_api(st->db);
    if (rc == VN_OK)
        rc = vn_snip_register(st->db, err);
    return rc;
}

/* Copy at most n - 1 bytes of s into out as one printable line: control
 * characters become '?', and a longer s ends in "...". For names and
 * values read from a file, which may hold anything. */
static void printable(const char *s, char *out, size_t n)
{
    size_t i = 0, len = strlen(s);
    for (; s[i] != '\0' && i + 1 < n; i++)
        out[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7F ? '?' : s[i];
    out[i] = '\0';
    if (i < len && n > 4) { /* cut at a character boundary */
        size_t cut = n - 4;
        while (cut > 0 && ((unsigned char)out[cut] & 0xC0) == 0x80)
            cut--;
        memcpy(out + cut, "...", 4);
    }
}

/* Check the versions recorded in the file against ours. A file made by
 * a newer program is named so: rebuilding it with this one is a choice,
 * not the only fix. */
static int check_versions(vn_store *st, vn_err *err)
{
    char *schema = NULL, *tok = NULL, s[24], t[24];
    int rc = vn_store_meta_get(st, "schema_version", &schema, err);
    if (rc == VN_OK)
        rc = vn_store_meta_get(st, "tokenizer_version", &tok, err);
    if (rc == VN_OK && (schema == NULL || strcmp(schema, VN_STORE_SCHEMA) != 0
                        || tok == NULL || strcmp(tok, VN_TOK_VERSION) != 0)) {
        int newer = (schema != NULL && atol(schema) > atol(VN_STORE_SCHEMA))
                    || (tok != NULL && atol(tok) > atol(VN_TOK_VERSION));
        printable(schema ? schema : "?", s, sizeof s);
        printable(tok ? tok : "?", t, sizeof t);
        rc = vn_err_set(err, VN_EVERSION,
                        "%s was made by %s version (schema %s, tokenizer %s; this "
                        "program uses schema %s, tokenizer %s): %srun vnindex --rebuild",
                        st->path, newer ? "a newer" : "another", s, t, VN_STORE_SCHEMA,
                        VN_TOK_VERSION, newer ? "use that version, or " : "");
    }
    free(schema);
    free(tok);
    return rc;
}

/* What a database file holds, judged by its schema before anything is
 * written to it. */
enum { FILE_EMPTY, FILE_OURS, FILE_FOREIGN };
#define NAMES_MAX 160 /* bytes of table names quoted in a message */

/* Judge db by sqlite_master: FILE_OURS when it has vn_meta, FILE_EMPTY
 * when it has nothing at all, else FILE_FOREIGN with its tables and
 * views named in names[0..n) (printable, the first few). Returns
 * SQLite's result code; *kind is set only on SQLITE_OK. */
static int schema_kind(sqlite3 *db, int *kind, char *names, size_t n)
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(db, "SELECT type, name FROM sqlite_master", -1, &s, NULL);
    int any = 0, ours = 0, full = 0, step = SQLITE_DONE;
    size_t len = 0;
    names[0] = '\0';
    while (rc == SQLITE_OK && (step = sqlite3_step(s)) == SQLITE_ROW) {
        const char *type = (const char *)sqlite3_column_text(s, 0);
        const char *name = (const char *)sqlite3_column_text(s, 1);
        any = 1;
        ours |= name != NULL && strcmp(name, "vn_meta") == 0;
        if (name == NULL || type == NULL || full
            || (strcmp(type, "table") != 0 && strcmp(type, "view") != 0)
            || strncmp(name, "sqlite_", 7) == 0)
            continue;
        char one[64];
        printable(name, one, sizeof one);
        const char *sep = len ? ", " : "";
        /* Room for this name and a final ", ..." after it, or say there is more. */
        full = len + strlen(sep) + strlen(one) + sizeof ", ..." > n;
        len += (size_t)snprintf(names + len, n - len, "%s%s", sep, full ? "..." : one);
    }
    sqlite3_finalize(s);
    if (rc == SQLITE_OK && step != SQLITE_DONE)
        rc = step;
    if (rc == SQLITE_OK)
        *kind = ours ? FILE_OURS : any ? FILE_FOREIGN : FILE_EMPTY;
    return rc;
}

static int foreign_error(const char *path, const char *names, vn_err *err)
{
    return vn_err_set(err, VN_EVERSION, "%s is an SQLite database of another application "
                      "(tables: %s); not touching it", path, names);
}

/* Before anything is written: refuse a file that is not ours, check the
 * versions of one that is. OUT: *fresh, 1 when the file is empty and
 * the schema is to be created. */
static int check_owner(vn_store *st, int *fresh, vn_err *err)
{
    char names[NAMES_MAX];
    int kind = FILE_EMPTY;
    *fresh = 0;
    if (schema_kind(st->db, &kind, names, sizeof names) != SQLITE_OK)
        return db_error(st, "cannot read the schema", err);
    if (kind == FILE_FOREIGN)
        return foreign_error(st->path, names, err);
    if (kind == FILE_OURS)
        return check_versions(st, err);
    if (st->mode != VN_STORE_WRITE)
        return vn_err_set(err, VN_EVERSION, "%s is an empty SQLite database, not an index: "
                          "build one with vnindex --db %s PATH", st->path, st->path);
    *fresh = 1;
    return VN_OK;
}

/* Create the schema in an empty file. */
static int create_schema(vn_store *st, vn_err *err)
{
    int rc = exec(st, "BEGIN IMMEDIATE", "cannot start a transaction", err);
    if (rc == VN_OK)
        rc = exec(st, schema_sql, "cannot create the schema", err);
    if (rc == VN_OK)
        rc = exec(st, "COMMIT", "cannot create the schema", err);
    if (rc != VN_OK)
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

/* The file at path before SQLite opens it: a directory is refused (SQLite
 * would say only "disk I/O error"), a missing file too when reading. */
static int check_path(const char *path, int mode, vn_err *err)
{
    struct stat sb;
    if (stat(path, &sb) != 0)
        return mode == VN_STORE_WRITE
                   ? VN_OK
                   : vn_err_set(err, VN_ENOTFOUND,
                                "no index at %s: build one with vnindex --db %s PATH", path,
                                path);
    if (S_ISDIR(sb.st_mode))
        return vn_err_set(err, VN_EIO, "%s is a directory, not an index database", path);
    return VN_OK;
}

static int open_db(vn_store *st, vn_err *err)
{
    int flags = st->mode == VN_STORE_WRITE ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
                                           : SQLITE_OPEN_READONLY;
    int fresh = 0, rc = check_path(st->path, st->mode, err);
    if (rc != VN_OK)
        return rc;
    if (sqlite3_open_v2(st->path, &st->db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
        return vn_err_set(err, VN_EIO, "cannot open %s: %s", st->path,
                          st->db ? sqlite3_errmsg(st->db) : "out of memory");
    sqlite3_extended_result_codes(st->db, 0);
    sqlite3_busy_timeout(st->db, BUSY_MS);
    rc = register_functions(st, err);
    /* Only reads until the file is known to be ours: the PRAGMAs below
     * would already write to another application's database. */
    if (rc == VN_OK)
        rc = check_owner(st, &fresh, err);
    if (rc == VN_OK && st->mode == VN_STORE_WRITE) {
        /* Keep -wal and -shm when the indexer closes: readers without
         * write access to the folder need them to exist to open a WAL
         * database (an index served by another user). */
        int keep = 1;
        sqlite3_file_control(st->db, "main", SQLITE_FCNTL_PERSIST_WAL, &keep);
        rc = exec(st, "PRAGMA page_size=" PAGE_SIZE "; PRAGMA auto_vacuum=INCREMENTAL;"
                  " PRAGMA journal_mode=WAL;"
                  " PRAGMA synchronous=NORMAL;",
                  "cannot switch to WAL mode", err);
    }
    /* Readers map the file: FTS5 reads doclist pages over and over, and a
     * mapped page costs no copy into SQLite's cache. */
    if (rc == VN_OK && st->mode != VN_STORE_WRITE)
        rc = exec(st, "PRAGMA mmap_size=" MMAP_SIZE, "cannot map the database", err);
    if (rc == VN_OK && fresh)
        rc = create_schema(st, err);
    return rc;
}

int vn_store_probe(const char *path, vn_err *err)
{
    sqlite3 *db = NULL;
    char names[NAMES_MAX];
    int kind = FILE_EMPTY;
    if (check_path(path, VN_STORE_WRITE, err) != VN_OK) /* a directory */
        return VN_EIO;
    int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_busy_timeout(db, BUSY_MS);
        rc = schema_kind(db, &kind, names, sizeof names);
    }
    sqlite3_close(db);
    return rc == SQLITE_OK && kind == FILE_FOREIGN ? foreign_error(path, names, err) : VN_OK;
}

int vn_store_open(const char *path, int mode, vn_store **out, vn_err *err)
{
    vn_store *st = calloc(1, sizeof *st);
    *out = NULL;
    if (st == NULL || (st->path = strdup(path)) == NULL) {
        free(st);
        return vn_err_set(err, VN_ENOMEM, "out of memory");
    }
    st->mode = mode;
    st->current = -1;
    int rc = open_db(st, err);
    if (rc != VN_OK) {
        st->mode = VN_STORE_READ; /* so that closing writes nothing to the file */
        vn_store_close(st);
        return rc;
    }
    *out = st;
    return VN_OK;
}

void vn_store_close(vn_store *st)
{
    if (st == NULL)
        return;
    for (int i = 0; i < Q_N; i++)
        sqlite3_finalize(st->stmt[i]);
    vn_tok_finish(st->tok);
    /* Give back the pages FTS5's segment merges freed (a twentieth of a
     * fresh build), then empty the kept -wal. */
    if (st->db != NULL && st->mode == VN_STORE_WRITE) {
        sqlite3_exec(st->db, "PRAGMA incremental_vacuum", NULL, NULL, NULL);
        sqlite3_wal_checkpoint_v2(st->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
    }
    sqlite3_close(st->db);
    vn_buf_free(&st->zbuf);
    vn_zip_inflater_free(st->inflater);
    for (int i = 0; i < VN_STORE_DICTS; i++)
        vn_buf_free(&st->dicts[i].data);
    free(st->path);
    free(st);
}

/* ---- transactions ------------------------------------------------------------- */

int vn_store_begin(vn_store *st, vn_err *err)
{
    sqlite3_stmt *s = stmt(st, Q_BEGIN, err);
    vn_tok_collect(st->tok, 1);
    st->changed = 0;
    return s ? run(st, s, "cannot start a transaction", err) : VN_EDB;
}

int vn_store_train(vn_store *st, vn_err *err)
{
    return maybe_train(st, err);
}

int vn_store_commit(vn_store *st, vn_err *err)
{
    int rc = vn_tok_flush(st->tok, err);
    /* a new generation when articles changed (not for vn_meta's run
     * records): searches stop using an in-memory copy of the index
     * (vn_mem.h) that no longer matches. A random number, not a count:
     * vnindex --rebuild copies another index's generation over this
     * one's, and a count could repeat. */
    if (rc == VN_OK && st->changed)
        rc = exec(st, "INSERT INTO vn_meta(key, value) VALUES ('generation', random())"
                      " ON CONFLICT(key) DO UPDATE SET value = random()",
                  "cannot record the generation", err);
    sqlite3_stmt *s = rc == VN_OK ? stmt(st, Q_COMMIT, err) : NULL;
    if (rc == VN_OK)
        rc = s ? run(st, s, "cannot commit", err) : VN_EDB;
    if (rc == VN_OK)
        rc = maybe_train(st, err);
    return rc;
}

void vn_store_rollback(vn_store *st)
{
    if (st != NULL && !sqlite3_get_autocommit(st->db))
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    if (st != NULL)
        forget_dicts(st); /* one may have been added in the batch */
}

/* ---- articles ------------------------------------------------------------------- */

int vn_store_lookup(vn_store *st, const char *path, vn_stored *out, vn_err *err)
{
    sqlite3_stmt *s = stmt(st, Q_LOOKUP, err);
    memset(out, 0, sizeof *out);
    if (s == NULL)
        return VN_EDB;
    bind_text(s, 1, path);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        out->id = sqlite3_column_int64(s, 0);
        out->size = sqlite3_column_int64(s, 1);
        out->mtime = sqlite3_column_int64(s, 2);
        out->hash = sqlite3_column_int64(s, 3);
    }
    sqlite3_reset(s);
    if (rc == SQLITE_ROW)
        return VN_OK;
    return rc == SQLITE_DONE ? VN_ENOTFOUND : db_error(st, "cannot look up a path", err);
}

/* Insert or update the article row. OUT: *id. */
static int put_row(vn_store *st, const vn_doc *d, const void *z, size_t nz, int64_t *id,
                   vn_err *err)
{
    sqlite3_stmt *s = stmt(st, *id ? Q_UPDATE : Q_INSERT, err);
    if (s == NULL)
        return VN_EDB;
    bind_text(s, 1, d->path);
    bind_text(s, 2, d->url);
    bind_text(s, 3, d->title ? d->title : "");
    bind_text(s, 4, d->date);
    bind_text(s, 5, d->author);
    sqlite3_bind_int64(s, 6, d->size);
    sqlite3_bind_int64(s, 7, d->mtime);
    sqlite3_bind_int64(s, 8, d->hash);
    sqlite3_bind_blob(s, 9, z, (int)nz, SQLITE_STATIC);
    if (*id)
        sqlite3_bind_int64(s, 10, *id);
    int rc = run(st, s, "cannot store an article", err);
    if (rc == VN_OK && *id == 0)
        *id = sqlite3_last_insert_rowid(st->db);
    return rc;
}

static int fts_remove(vn_store *st, int64_t id, vn_err *err)
{
    sqlite3_stmt *s = stmt(st, Q_FTS_DEL, err);
    if (s == NULL)
        return VN_EDB;
    sqlite3_bind_int64(s, 1, id);
    return run(st, s, "cannot remove an article from the index", err);
}

int vn_store_put(vn_store *st, const vn_doc *doc, int64_t *idp, vn_err *err)
{
    const void *z = doc->body_z;
    size_t nz = doc->body_z_len;
    int64_t replace_id = *idp, id = replace_id;
    int rc = VN_OK;
    st->changed = 1;
    if (z == NULL) {
        vn_zip_dict d = {0};
        rc = vn_store_dict(st, &d, err);
        rc = rc == VN_ENOTFOUND ? VN_OK : rc;
        vn_buf_reset(&st->zbuf);
        if (rc == VN_OK)
            rc = vn_zip_pack_dict(doc->body, doc->body_len, VN_ZIP_LEVEL, &d, &st->zbuf, err);
        z = st->zbuf.data;
        nz = st->zbuf.len;
    }
    if (rc == VN_OK && nz > (size_t)1 << 30)
        rc = vn_err_set(err, VN_EINVAL, "%s: article too large", doc->path);
    if (rc == VN_OK && replace_id)
        rc = fts_remove(st, replace_id, err);
    if (rc == VN_OK)
        rc = put_row(st, doc, z, nz, &id, err);
    sqlite3_stmt *s = rc == VN_OK ? stmt(st, Q_FTS_ADD, err) : NULL;
    if (rc == VN_OK && s == NULL)
        rc = VN_EDB;
    if (rc == VN_OK) {
        sqlite3_bind_int64(s, 1, id);
        bind_text(s, 2, doc->title ? doc->title : "");
        sqlite3_bind_text(s, 3, doc->body ? doc->body : "", (int)doc->body_len, SQLITE_STATIC);
        if (doc->tape != NULL)
            rc = vn_tok_play(st->tok, doc->tape, err);
        if (rc == VN_OK)
            rc = run(st, s, "cannot index an article", err);
        vn_tok_play(st->tok, NULL, err);
    }
    *idp = rc == VN_OK ? id : replace_id;
    return rc;
}

int vn_store_touch(vn_store *st, int64_t id, int64_t mtime, vn_err *err)
{
    sqlite3_stmt *s = stmt(st, Q_TOUCH, err);
    if (s == NULL)
        return VN_EDB;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int64(s, 2, mtime);
    return run(st, s, "cannot update an article", err);
}

int vn_store_delete(vn_store *st, int64_t id, vn_err *err)
{
    st->changed = 1;
    int rc = fts_remove(st, id, err);
    sqlite3_stmt *s = rc == VN_OK ? stmt(st, Q_DELETE, err) : NULL;
    if (rc == VN_OK && s == NULL)
        rc = VN_EDB;
    if (rc == VN_OK) {
        sqlite3_bind_int64(s, 1, id);
        rc = run(st, s, "cannot delete an article", err);
    }
    return rc;
}

int vn_store_each_under(vn_store *st, const char *root,
                        int (*fn)(void *ctx, int64_t id, const char *path),
                        void *ctx, vn_err *err)
{
    sqlite3_stmt *s = stmt(st, Q_UNDER, err);
    if (s == NULL)
        return VN_EDB;
    bind_text(s, 1, root);
    int rc = VN_OK, step;
    while (rc == VN_OK && (step = sqlite3_step(s)) == SQLITE_ROW)
        rc = fn(ctx, sqlite3_column_int64(s, 0), (const char *)sqlite3_column_text(s, 1));
    if (rc == VN_OK && step != SQLITE_DONE)
        rc = db_error(st, "cannot list articles", err);
    sqlite3_reset(s);
    return rc;
}

int64_t vn_store_mem_answers(const vn_store *st)
{
    return st->mem_answers;
}

void vn_store_use_mem(vn_store *st, const vn_mem *m)
{
    st->mem = m;
}

sqlite3 *vn_store_db(vn_store *st)
{
    return st->db;
}

int vn_store_count(vn_store *st, int64_t *n, vn_err *err)
{
    return one_int(st, Q_COUNT, NULL, n, "cannot count articles", err);
}

/* ---- vocabulary ------------------------------------------------------------------ */

int vn_store_knows(vn_store *st, const char *fold, const char *canon, int *known, vn_err *err)
{
    sqlite3_stmt *s = stmt(st, canon ? Q_KNOWS : Q_KNOWS_ANY, err);
    *known = 0;
    if (s == NULL)
        return VN_EDB;
    bind_text(s, 1, fold);
    if (canon != NULL)
        bind_text(s, 2, canon);
    int step = sqlite3_step(s);
    *known = step == SQLITE_ROW;
    sqlite3_reset(s);
    return step == SQLITE_ROW || step == SQLITE_DONE ? VN_OK
                                                     : db_error(st, "cannot read the vocabulary", err);
}

int vn_store_vocab(vn_store *st, const char *from, const char *to,
                   int (*fn)(void *ctx, const char *canon, size_t n), void *ctx, vn_err *err)
{
    sqlite3_stmt *s = stmt(st, Q_VOCAB, err);
    if (s == NULL)
        return VN_EDB;
    bind_text(s, 1, from);
    bind_text(s, 2, to);
    int step, rc = VN_OK;
    while (rc == VN_OK && (step = sqlite3_step(s)) == SQLITE_ROW)
        rc = fn(ctx, (const char *)sqlite3_column_text(s, 0), (size_t)sqlite3_column_bytes(s, 0));
    if (rc == VN_OK && step != SQLITE_DONE)
        rc = db_error(st, "cannot read the vocabulary", err);
    sqlite3_reset(s);
    return rc;
}

int vn_store_term_docs(vn_store *st, const char *canon, int64_t *ndocs, vn_err *err)
{
    *ndocs = 0;
    if (st->stmt[Q_TERM_DOCS] == NULL
        && exec(st, "CREATE VIRTUAL TABLE IF NOT EXISTS temp.vn_vocab"
                    " USING fts5vocab(main, article_fts, row)",
                "cannot open the index's vocabulary", err) != VN_OK)
        return VN_EDB;
    return one_int(st, Q_TERM_DOCS, canon, ndocs, "cannot read the vocabulary", err);
}

int vn_store_generation(vn_store *st, int64_t *gen, vn_err *err)
{
    return one_int(st, Q_META_GET, "generation", gen, "cannot read vn_meta", err);
}

int vn_store_read_begin(vn_store *st, int *own, vn_err *err)
{
    *own = sqlite3_get_autocommit(st->db);
    return *own ? exec(st, "BEGIN", "cannot start a read transaction", err) : VN_OK;
}

void vn_store_read_end(vn_store *st, int own)
{
    if (own && !sqlite3_get_autocommit(st->db))
        sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
}

int vn_store_load_mem(vn_store *st, vn_mem **out, vn_err *err)
{
    int64_t gen = 0;
    int own = 0;
    *out = NULL;
    int rc = vn_store_read_begin(st, &own, err);
    if (rc == VN_OK)
        rc = vn_store_generation(st, &gen, err);
    if (rc == VN_OK)
        rc = vn_mem_load(st->db, gen, out, err);
    vn_store_read_end(st, own);
    return rc;
}

/* Does st->mem hold the generation this read transaction sees? */
static int mem_current(vn_store *st, int *current, vn_err *err)
{
    int64_t gen = 0;
    *current = 0;
    int rc = st->mem != NULL ? vn_store_generation(st, &gen, err) : VN_OK;
    *current = rc == VN_OK && st->mem != NULL && gen == vn_mem_generation(st->mem);
    return rc;
}

int vn_store_count_match(vn_store *st, const char *match, int64_t *n, vn_err *err)
{
    int handled = 0, current = 0, own = 0;
    /* one statement through FTS5; the copy's generation and its count must
     * see the same state */
    int rc = st->mem != NULL ? vn_store_read_begin(st, &own, err) : VN_OK;
    /* through the copy in memory when it holds what this transaction sees */
    if (rc == VN_OK)
        rc = mem_current(st, &current, err);
    if (rc == VN_OK && current)
        rc = vn_mem_count(st->mem, st->fts5, match, n, &handled, err);
    st->mem_answers += handled;
    if (rc == VN_OK && !handled)
        rc = one_int(st, Q_MATCH_COUNT, match, n, "search failed", err);
    vn_store_read_end(st, own);
    return rc;
}

/* ---- search ------------------------------------------------------------------------ */

/* The article row of hit (Q_ARTICLE or Q_ARTICLE_TEXT) into *a. Returns
 * VN_OK with *a NULL when the row is gone (deleted meanwhile: skip). */
static int article_row(vn_store *st, int q, vn_hit *hit, sqlite3_stmt **a, vn_err *err)
{
    sqlite3_stmt *s = stmt(st, q, err);
    *a = NULL;
    if (s == NULL)
        return VN_EDB;
    sqlite3_bind_int64(s, 1, hit->id);
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW) {
        hit->path = (const char *)sqlite3_column_text(s, 0);
        hit->url = (const char *)sqlite3_column_text(s, 1);
        hit->title = (const char *)sqlite3_column_text(s, 2);
        hit->date = (const char *)sqlite3_column_text(s, 3);
        hit->author = (const char *)sqlite3_column_text(s, 4);
        *a = s;
        return VN_OK;
    }
    int rc = step == SQLITE_DONE ? VN_OK : db_error(st, "cannot read an article", err);
    sqlite3_reset(s);
    return rc;
}

/* Fill the text fields of hit from the article row and its snippet, then
 * hand it to fn. */
static int deliver(vn_store *st, const char *match, const char *groups, vn_hit *hit,
                   vn_hit_fn fn, void *ctx, vn_err *err)
{
    sqlite3_stmt *a = NULL, *s = NULL;
    int rc = article_row(st, Q_ARTICLE, hit, &a, err);
    if (rc != VN_OK || a == NULL)
        return rc;
    if ((s = stmt(st, Q_SNIPPET, err)) == NULL) {
        sqlite3_reset(a);
        return VN_EDB;
    }
    bind_text(s, 1, match);
    sqlite3_bind_int64(s, 2, hit->id);
    sqlite3_bind_int(s, 3, SNIPPET_TOKENS);
    bind_text(s, 4, groups);
    int step = sqlite3_step(s);
    hit->snippet = step == SQLITE_ROW ? (const char *)sqlite3_column_text(s, 0) : NULL;
    rc = step == SQLITE_ROW || step == SQLITE_DONE ? VN_OK
                                                   : db_error(st, "cannot make a snippet", err);
    if (rc == VN_OK)
        rc = fn(ctx, hit);
    sqlite3_reset(s);
    sqlite3_reset(a);
    return rc;
}

/* deliver, with the snippet made from what vn_mem found. */
static int deliver_mem(vn_store *st, const vn_mem_found *found, vn_hit *hit, vn_hit_fn fn,
                       void *ctx, vn_err *err)
{
    sqlite3_stmt *a = NULL;
    int rc = article_row(st, Q_ARTICLE_TEXT, hit, &a, err);
    if (rc != VN_OK || a == NULL)
        return rc;
    /* the FTS5 table's columns: body, title */
    const char *text[2] = {(const char *)sqlite3_column_text(a, 5), hit->title};
    int ntext[2] = {sqlite3_column_bytes(a, 5), sqlite3_column_bytes(a, 2)};
    vn_buf snip = VN_BUF_INIT;
    rc = vn_mem_snippet(found, hit->id, text, ntext, 2, SNIPPET_TOKENS, &snip, err);
    if (rc == VN_OK && vn_buf_add(&snip, "", 1) != VN_OK)
        rc = vn_err_set(err, VN_ENOMEM, "out of memory");
    hit->snippet = snip.data;
    if (rc == VN_OK)
        rc = fn(ctx, hit);
    vn_buf_free(&snip);
    sqlite3_reset(a);
    return rc;
}

/* The page of results as (id, vn_rank key), at most limit of them, from the
 * one of rank first + 1. */
typedef struct page {
    int64_t *id;
    double *key;           /* ties are equal keys: an article holding the words
                              adjacent never ties with one that does not */
    int n, first;
} page;

/* With ties wanted (by relevance: ties_wanted), rank_page reads up to
 * VN_STORE_TIES results on each side of the page (want rows in all),
 * then keeps of them those tied with the page's ends. A run of equals that reaches past what was read is not
 * extended on that side: the caller would order a different part of it
 * for each page, and pages would repeat or skip results. */
static void keep_ties(page *pg, int before, int limit, int want)
{
    int end = before + limit < pg->n ? before + limit : pg->n, lo = before, hi = end;
    if (lo >= hi) {
        pg->n = 0;
        return;
    }
    while (lo > 0 && pg->key[lo - 1] == pg->key[before])
        lo--;
    while (hi < pg->n && pg->key[hi] == pg->key[hi - 1])
        hi++;
    int cut_lo = lo == 0 && pg->first > 0;     /* the run may start before the rows read */
    int cut_hi = hi == pg->n && pg->n == want; /* or go on after them */
    int one_run = pg->key[before] == pg->key[end - 1];
    if (cut_lo || (one_run && cut_hi))
        lo = before;
    if (cut_hi || (one_run && cut_lo))
        hi = end;
    memmove(pg->id, pg->id + lo, (size_t)(hi - lo) * sizeof *pg->id);
    memmove(pg->key, pg->key + lo, (size_t)(hi - lo) * sizeof *pg->key);
    pg->first += lo;
    pg->n = hi - lo;
}

/* Ties are equal scores, which only sort next to each other by
 * relevance: by date, an equal score on another date is another place. */
static int ties_wanted(const vn_search *q)
{
    return q->ties && q->sort == VN_SORT_RELEVANCE;
}

/* rank_page through st->mem, when it holds the generation this read
 * transaction sees and can answer the expression. OUT: *found, NULL
 * when it did not. */
static int mem_page(vn_store *st, const vn_search *q, const char *match, const char *groups,
                    int limit, int offset, page *pg, int64_t *total, vn_mem_found **found,
                    vn_err *err)
{
    int current = 0;
    *found = NULL;
    int rc = mem_current(st, &current, err);
    if (rc != VN_OK || !current)
        return rc;
    /* the rows after the page that rank_page reads for ties: those tied
     * with its last row are all keep_ties can keep, so vn_mem gives
     * only those */
    int after = ties_wanted(q) ? VN_STORE_TIES : 0;
    vn_mem_query mq = {match, groups, q->since, q->until, q->sort, limit - after, offset,
                       {1.0, TITLE_WEIGHT}, after};
    rc = vn_mem_rank(st->mem, st->fts5, &mq, pg->id, pg->key, &pg->n, total, found, err);
    st->mem_answers += *found != NULL;
    return rc;
}

static int rank_page(vn_store *st, const vn_search *q, const char *match, const char *groups,
                     int limit, int offset, page *pg, int64_t *total, vn_mem_found **found,
                     vn_err *err)
{
    int before = 0, want = limit, ties = ties_wanted(q);
    if (ties) {
        before = offset < VN_STORE_TIES ? offset : VN_STORE_TIES;
        offset -= before;
        want = before + limit + VN_STORE_TIES;
    }
    pg->first = offset;
    limit = want;
    *found = NULL;
    if (st->mem != NULL) {
        int rc = mem_page(st, q, match, groups, limit, offset, pg, total, found, err);
        if (rc != VN_OK || *found != NULL) {
            if (rc == VN_OK && ties)
                keep_ties(pg, before, want - before - VN_STORE_TIES, want);
            return rc;
        }
    }
    int filtered = q->since != NULL || q->until != NULL || q->sort != VN_SORT_RELEVANCE;
    sqlite3_stmt *s = stmt(st, filtered ? Q_SEARCH_F : Q_SEARCH, err);
    if (s == NULL)
        return VN_EDB;
    bind_text(s, 1, match);
    bind_text(s, 8, groups);
    sqlite3_bind_int(s, 2, limit);
    sqlite3_bind_int(s, 3, offset);
    if (filtered) {
        bind_text(s, 4, q->since);
        bind_text(s, 5, q->until);
        sqlite3_bind_int(s, 6, q->sort);
    }
    /* vn_rank counts the rows it ranks: all the matches, ranked before
     * the first row of the page comes back */
    sqlite3_int64 rows = 0;
    sqlite3_bind_pointer(s, 7, &rows, VN_RANK_ROWS, NULL);
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW && pg->n < limit) {
        pg->id[pg->n] = sqlite3_column_int64(s, 0);
        pg->key[pg->n] = sqlite3_column_double(s, 1);
        pg->n++;
    }
    *total = rows;
    int rc = step == SQLITE_ROW || step == SQLITE_DONE ? VN_OK : db_error(st, "search failed", err);
    sqlite3_reset(s);
    sqlite3_bind_null(s, 7); /* rows is about to go */
    if (ties)
        keep_ties(pg, before, want - before - VN_STORE_TIES, want);
    return rc;
}

int vn_store_search(vn_store *st, const vn_search *q, vn_hit_fn fn, void *ctx,
                    int64_t *total, vn_err *err)
{
    int64_t count = 0;
    if (total != NULL)
        *total = 0;
    if (q->match == NULL || q->limit <= 0)
        return VN_OK;
    int limit = q->limit, offset = q->offset < 0 ? 0 : q->offset;
    /* One read transaction: the ranking, the rows and the snippets see
     * the same state even while the indexer commits. */
    int own = 0;
    size_t cap = (size_t)limit + (ties_wanted(q) ? 2 * VN_STORE_TIES : 0);
    page pg = {calloc(cap, sizeof *pg.id), calloc(cap, sizeof *pg.key), 0, 0};
    int rc = pg.id && pg.key ? VN_OK : vn_err_set(err, VN_ENOMEM, "out of memory");
    if (rc == VN_OK)
        rc = vn_store_read_begin(st, &own, err);
    /* lone words typed without marks as an OR of their spellings */
    vn_buf match = VN_BUF_INIT, groups = VN_BUF_INIT;
    if (rc == VN_OK)
        rc = vn_expand(vn_tok_norm(st->tok), q->match, vn_tok_spellings, st->tok, &match,
                       &groups, err);
    const char *g = groups.len > 0 ? groups.data : NULL;
    vn_mem_found *found = NULL;
    if (rc == VN_OK)
        rc = rank_page(st, q, match.data, g, limit, offset, &pg, &count, &found, err);
    for (int i = 0; rc == VN_OK && i < pg.n; i++) {
        vn_hit hit = {.id = pg.id[i], .rank = pg.first + i + 1, .score = vn_rank_score(pg.key[i])};
        rc = found != NULL ? deliver_mem(st, found, &hit, fn, ctx, err)
                           : deliver(st, match.data, g, &hit, fn, ctx, err);
    }
    vn_mem_found_free(found);
    vn_buf_free(&match);
    vn_buf_free(&groups);
    vn_store_read_end(st, own);
    free(pg.id);
    free(pg.key);
    if (total != NULL)
        *total = count;
    return rc;
}

/* ---- meta ---------------------------------------------------------------------------- */

int vn_store_meta_get(vn_store *st, const char *key, char **value, vn_err *err)
{
    sqlite3_stmt *s = stmt(st, Q_META_GET, err);
    *value = NULL;
    if (s == NULL)
        return VN_EDB;
    bind_text(s, 1, key);
    int step = sqlite3_step(s);
    int rc = step == SQLITE_ROW || step == SQLITE_DONE ? VN_OK
                                                       : db_error(st, "cannot read vn_meta", err);
    if (step == SQLITE_ROW && sqlite3_column_text(s, 0) != NULL) {
        *value = strdup((const char *)sqlite3_column_text(s, 0));
        if (*value == NULL)
            rc = vn_err_set(err, VN_ENOMEM, "out of memory");
    }
    sqlite3_reset(s);
    return rc;
}

int vn_store_meta_set(vn_store *st, const char *key, const char *value, vn_err *err)
{
    sqlite3_stmt *s = stmt(st, Q_META_SET, err);
    if (s == NULL)
        return VN_EDB;
    bind_text(s, 1, key);
    bind_text(s, 2, value);
    return run(st, s, "cannot write vn_meta", err);
}
