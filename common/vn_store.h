/* vn_store.h: the one SQLite file that holds an archive's index.
 *
 * Schema (VN_STORE_SCHEMA):
 *   vn_meta(key, value)          schema and tokenizer versions, run stats
 *   article(id, path UNIQUE, url, title, date, author, size, mtime, hash,
 *           body)                 body = vn_zip stored form of the text
 *   article_text                  view: id, title, vn_unzip(body) AS body
 *   article_fts                   FTS5(body, title), external content
 *                                 article_text, tokenizer `vietnamese`,
 *                                 detail=full
 *   vn_spelling(fold, canon)      spellings of indexed words, for queries
 *                                 typed without diacritics (see vn_tok.h)
 *   vn_dict(id, data)             zlib preset dictionaries (vn_zip.h), id =
 *                                 adler32; trained from the archive's first
 *                                 1000 articles once it has that many
 * WAL mode: readers never wait for the indexer, nor it for them.
 * Opening registers vn_unzip(), the tokenizer and the vn_snip functions
 * on the connection. A database made by another schema or tokenizer
 * version gives VN_EVERSION with a message naming `vnindex --rebuild`.
 * An SQLite database of another application (tables, but no vn_meta)
 * gives VN_EVERSION too, naming its tables, and is never written to:
 * the file is judged before any PRAGMA or schema change touches it.
 *
 * A vn_store is used by one thread at a time. Calls return VN_OK or an
 * error code and fill *err. */
#ifndef VN_STORE_H
#define VN_STORE_H

#include "vn_err.h"
#include "vn_zip.h"

#include <stddef.h>
#include <stdint.h>

#define VN_STORE_SCHEMA "2"

typedef struct vn_store vn_store;

enum { VN_STORE_READ = 0, VN_STORE_WRITE = 1 };

/* An article to store. All fields borrowed for the call; url, date,
 * author and body_z may be NULL. body_z, when given, is body already in
 * vn_zip's stored form (so a worker thread can compress). */
typedef struct vn_doc {
    const char *path, *url, *title, *date, *author;
    const char *body;
    size_t body_len;
    const void *body_z;
    size_t body_z_len;
    int64_t size, mtime;   /* of the file: bytes, seconds since the epoch */
    int64_t hash;          /* of the file's bytes */
    const struct vn_tape *tape; /* title's and body's tokens made ahead (vn_tok.h), or NULL */
} vn_doc;

/* What the store knows of a file. */
typedef struct vn_stored {
    int64_t id, size, mtime, hash;
} vn_stored;

/* One search result. Strings borrowed until the callback returns; url,
 * date and author may be NULL. snippet carries VN_SNIP_OPEN/CLOSE marks. */
typedef struct vn_hit {
    int64_t id;
    int rank;              /* 1-based, counting from the first result */
    double score;          /* lower is better */
    const char *path, *url, *title, *date, *author, *snippet;
} vn_hit;

typedef int (*vn_hit_fn)(void *ctx, const vn_hit *hit);

/* Open the database at path. VN_STORE_WRITE creates it (and its schema)
 * when missing or empty (an SQLite file with no tables); VN_STORE_READ
 * needs an index to exist and opens it read-only. Fails with VN_EIO for
 * a directory, VN_EVERSION for another version or another application's
 * database, and then writes nothing to the file.
 * OUT: *out, released with vn_store_close. */
int vn_store_open(const char *path, int mode, vn_store **out, vn_err *err);

/* Look at the file at path, read-only, for a caller about to replace it
 * without opening it (vnindex --rebuild). VN_EIO for a directory,
 * VN_EVERSION for an SQLite database of another application, with the
 * message vn_store_open would give; else VN_OK: no file, an empty one,
 * an index of any version, or a file SQLite cannot read (not SQLite,
 * damaged), which is the caller's to judge. */
int vn_store_probe(const char *path, vn_err *err);
/* Accepts NULL. */
void vn_store_close(vn_store *st);

/* Transactions around batches of writes. Rollback is safe when none is
 * open. */
int vn_store_begin(vn_store *st, vn_err *err);
int vn_store_commit(vn_store *st, vn_err *err);
void vn_store_rollback(vn_store *st);

/* What is stored for path: VN_OK and *out, or VN_ENOTFOUND. */
int vn_store_lookup(vn_store *st, const char *path, vn_stored *out, vn_err *err);

/* Store doc, index included: as a new article when *id == 0, else in
 * place of article *id. OUT: *id, the article's id. */
int vn_store_put(vn_store *st, const vn_doc *doc, int64_t *id, vn_err *err);

/* The dictionary new bodies are compressed against: VN_OK and *dict
 * (bytes owned by st, valid until vn_store_close or a rollback), or
 * VN_ENOTFOUND while the archive has none. Hand it to a worker thread
 * that compresses bodies for vn_doc.body_z. */
int vn_store_dict(vn_store *st, vn_zip_dict *dict, vn_err *err);

/* Train the dictionary now, if the archive has none and holds 1000
 * articles, inside the caller's open transaction (vn_store_commit does
 * the same after each commit): for a run that commits only at its end. */
int vn_store_train(vn_store *st, vn_err *err);

/* Store n bytes as a dictionary and make it the current one (inside an
 * open transaction). vn_store_commit trains and adds one by itself once
 * the archive has 1000 articles; this is for tests and tools.
 * OUT: *dict as vn_store_dict. */
int vn_store_dict_add(vn_store *st, const void *data, size_t n, vn_zip_dict *dict,
                      vn_err *err);

/* Record a new mtime for an article whose bytes did not change. */
int vn_store_touch(vn_store *st, int64_t id, int64_t mtime, vn_err *err);

/* Remove an article and its index entries. */
int vn_store_delete(vn_store *st, int64_t id, vn_err *err);

/* Call fn(ctx, id, path) for each article whose path is root or lies
 * under root/ (root without a trailing slash). A non-zero return stops
 * the walk and is passed back. Do not write from fn: collect, then act. */
int vn_store_each_under(vn_store *st, const char *root,
                        int (*fn)(void *ctx, int64_t id, const char *path),
                        void *ctx, vn_err *err);

/* How results are ordered. */
enum { VN_SORT_RELEVANCE = 0, VN_SORT_DATE = 1, VN_SORT_DATE_ASC = 2 };

/* One search: an FTS5 expression (from vn_query_parse), the page
 * [offset, offset + limit), optional inclusive date bounds "YYYY-MM-DD"
 * (NULL for none; an article with no known date is then left out) and
 * the order. By relevance: articles holding the query's words adjacent
 * and in order first, then the rest; within each, BM25 with the title
 * weighted above the body, times a bonus for words near each other. By date:
 * newest (or oldest) first, articles with no known date last, ties by
 * relevance. */
typedef struct vn_search {
    const char *match;
    int limit, offset;
    const char *since, *until;
    int sort;              /* VN_SORT_* */
    int ties;              /* by relevance, also deliver the results outside
                              the page whose score equals the page's first or
                              last one (their rank says where, at most
                              VN_STORE_TIES each side; none of a run that may
                              reach further): for a caller that orders equals
                              itself and then cuts the page; ignored by date */
} vn_search;

#define VN_STORE_TIES 32

/* Run q, calling fn for each result on the page, in order.
 * OUT: *total (may be NULL) counts every match. */
int vn_store_search(vn_store *st, const vn_search *q, vn_hit_fn fn, void *ctx,
                    int64_t *total, vn_err *err);

/* One read transaction over several calls, so that they see the same
 * state of the index while the indexer commits (each call otherwise
 * holds its own): none is started when the caller already holds one,
 * and *own says so for vn_store_read_end. */
int vn_store_read_begin(vn_store *st, int *own, vn_err *err);
void vn_store_read_end(vn_store *st, int own);

/* OUT: *n, the articles that match the FTS5 expression match. */
int vn_store_count_match(vn_store *st, const char *match, int64_t *n, vn_err *err);

/* The index's vocabulary: vn_spelling holds every indexed word that has
 * a letter, under its accent-free form. */

/* OUT: *known = 1 when some indexed word folds to fold and, when canon is
 * not NULL, is spelt canon (canonical form, vn_norm.h); else 0. */
int vn_store_knows(vn_store *st, const char *fold, const char *canon, int *known,
                   vn_err *err);

/* Call fn(ctx, canon, n) for each indexed word whose folded form lies in
 * [from, to) (byte order). A non-zero return stops the walk and is
 * passed back. */
int vn_store_vocab(vn_store *st, const char *from, const char *to,
                   int (*fn)(void *ctx, const char *canon, size_t n), void *ctx,
                   vn_err *err);

/* OUT: *ndocs, the number of articles holding the canonical word canon
 * (0 when none), from FTS5's own counts. */
int vn_store_term_docs(vn_store *st, const char *canon, int64_t *ndocs, vn_err *err);

/* The connection, for modules that run their own SQL on the schema
 * above (vnindex --stats/--check, the server's suggestions). Borrowed:
 * valid until vn_store_close. */
struct sqlite3;
struct sqlite3 *vn_store_db(vn_store *st);

/* The index's generation (vn_mem.h): a random number drawn again by
 * each vn_store_commit after vn_store_put or vn_store_delete; 0 when
 * none was ever drawn. */
int vn_store_generation(vn_store *st, int64_t *gen, vn_err *err);

/* Load the index into memory (vn_mem_load) in one read transaction of
 * its own, with the generation it sees. st must not be in one. */
struct vn_mem;
int vn_store_load_mem(vn_store *st, struct vn_mem **out, vn_err *err);

/* Rank searches with m (vn_mem.h: borrowed; NULL stops) whenever the
 * search sees the generation m holds and m can answer the expression;
 * FTS5 otherwise. Results are the same either way. */
void vn_store_use_mem(vn_store *st, const struct vn_mem *m);

/* How many searches and counts st answered through its copy so far. */
int64_t vn_store_mem_answers(const vn_store *st);

/* Count of articles. */
int vn_store_count(vn_store *st, int64_t *n, vn_err *err);

/* Read or write a vn_meta value. OUT: *value (caller frees), NULL when
 * the key is absent. */
int vn_store_meta_get(vn_store *st, const char *key, char **value, vn_err *err);
int vn_store_meta_set(vn_store *st, const char *key, const char *value, vn_err *err);

#endif
