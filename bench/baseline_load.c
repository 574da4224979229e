/* baseline_load: the benchmark's baseline index, SQLite FTS5 as it ships.
 *
 *   baseline_load DB DIR
 *
 * Loads every .txt file of DIR, in strcmp order of the names, into
 *   CREATE VIRTUAL TABLE doc USING fts5(title, body,
 *       tokenize='unicode61 remove_diacritics 2')
 * with title = the first line (a trailing CR dropped) and body = the rest,
 * as read. FTS5 keeps the text in its own content table. WAL mode with
 * synchronous=NORMAL, as vnindex uses; 500 files per transaction. DB must
 * not exist yet. Prints one summary line; exit 0 done, 1 failure, 2 usage. */
#include <sqlite3.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define BATCH_DOCS 500

static const char *const schema_sql =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=NORMAL;"
    "CREATE VIRTUAL TABLE doc USING fts5(title, body,"
    "  tokenize='unicode61 remove_diacritics 2');";

typedef struct loader {
    sqlite3 *db;
    sqlite3_stmt *insert;
    char *buf;            /* the current file's bytes */
    size_t cap;
    size_t ndocs, nbytes;
} loader;

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int is_txt(const struct dirent *e)
{
    size_t n = strlen(e->d_name);
    return e->d_name[0] != '.' && n > 4 && strcmp(e->d_name + n - 4, ".txt") == 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

/* Read the whole file into ld->buf. Returns 0 or an errno value. */
static int slurp(loader *ld, const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    struct stat sb;
    *n = 0;
    if (f == NULL)
        return errno;
    int rc = fstat(fileno(f), &sb) == 0 ? 0 : errno;
    size_t want = rc == 0 ? (size_t)sb.st_size : 0;
    if (rc == 0 && want + 1 > ld->cap) {
        char *p = realloc(ld->buf, want + 1);
        if (p == NULL)
            rc = ENOMEM;
        else
            ld->buf = p, ld->cap = want + 1;
    }
    if (rc == 0 && want > 0 && fread(ld->buf, 1, want, f) != want)
        rc = ferror(f) ? EIO : EINVAL;
    fclose(f);
    *n = want;
    return rc;
}

/* Insert one file: title = line 1, body = the rest. */
static int load_file(loader *ld, const char *path)
{
    size_t n;
    int e = slurp(ld, path, &n);
    if (e != 0) {
        fprintf(stderr, "baseline_load: %s: %s\n", path, strerror(e));
        return -1;
    }
    const char *nl = memchr(ld->buf, '\n', n);
    size_t title_len = nl ? (size_t)(nl - ld->buf) : n;
    size_t body_off = nl ? title_len + 1 : n;
    if (title_len > 0 && ld->buf[title_len - 1] == '\r')
        title_len--;
    sqlite3_reset(ld->insert);
    sqlite3_bind_text(ld->insert, 1, ld->buf, (int)title_len, SQLITE_STATIC);
    sqlite3_bind_text(ld->insert, 2, ld->buf + body_off, (int)(n - body_off), SQLITE_STATIC);
    if (sqlite3_step(ld->insert) != SQLITE_DONE) {
        fprintf(stderr, "baseline_load: %s: %s\n", path, sqlite3_errmsg(ld->db));
        return -1;
    }
    ld->ndocs++;
    ld->nbytes += n;
    return 0;
}

static int exec(loader *ld, const char *sql)
{
    if (sqlite3_exec(ld->db, sql, NULL, NULL, NULL) == SQLITE_OK)
        return 0;
    fprintf(stderr, "baseline_load: %s: %s\n", sql, sqlite3_errmsg(ld->db));
    return -1;
}

/* Every file of dir, BATCH_DOCS to a transaction. */
static int load_dir(loader *ld, const char *dir)
{
    struct dirent **names = NULL;
    int n = scandir(dir, &names, is_txt, by_name);
    if (n < 0) {
        fprintf(stderr, "baseline_load: %s: %s\n", dir, strerror(errno));
        return -1;
    }
    char path[4096];
    int rc = 0;
    for (int i = 0; i < n; i++) {
        if (rc == 0 && i % BATCH_DOCS == 0)
            rc = exec(ld, "BEGIN");
        snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
        if (rc == 0)
            rc = load_file(ld, path);
        if (rc == 0 && (i % BATCH_DOCS == BATCH_DOCS - 1 || i == n - 1))
            rc = exec(ld, "COMMIT");
        free(names[i]);
    }
    free(names);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fputs("Usage: baseline_load DB DIR\n", stderr);
        return 2;
    }
    struct stat sb;
    if (stat(argv[1], &sb) == 0) {
        fprintf(stderr, "baseline_load: %s exists; remove it first\n", argv[1]);
        return 2;
    }
    double t0 = seconds();
    loader ld = {0};
    int rc = sqlite3_open(argv[1], &ld.db) == SQLITE_OK ? 0 : -1;
    if (rc != 0)
        fprintf(stderr, "baseline_load: cannot open %s\n", argv[1]);
    if (rc == 0)
        rc = exec(&ld, schema_sql);
    if (rc == 0 && sqlite3_prepare_v2(ld.db, "INSERT INTO doc(title, body) VALUES (?1, ?2)",
                                      -1, &ld.insert, NULL) != SQLITE_OK) {
        fprintf(stderr, "baseline_load: %s\n", sqlite3_errmsg(ld.db));
        rc = -1;
    }
    if (rc == 0)
        rc = load_dir(&ld, argv[2]);
    sqlite3_finalize(ld.insert);
    sqlite3_close(ld.db);
    free(ld.buf);
    if (rc != 0)
        return 1;
    printf("baseline_load: %zu files, %zu bytes in %.2f s\n", ld.ndocs, ld.nbytes,
           seconds() - t0);
    return 0;
}
