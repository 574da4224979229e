/* vnindex: build or update the search index of a folder of articles, and
 * look after it (--stats, --check, --optimize). */
#include "admin.h"
#include "html.h"
#include "index.h"
#include "vn_store.h"

#include <sqlite3.h>

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum {
    EXIT_DONE = 0,      /* every file indexed; the check found nothing */
    EXIT_PARTIAL = 1,   /* indexed, but some files were skipped or repaired */
    EXIT_USAGE = 2,     /* bad command line */
    EXIT_DB = 3,        /* the database could not be opened or written */
    EXIT_BUSY = 4,      /* another process holds the database */
    EXIT_DAMAGED = 5,   /* --check found damage */
};

enum { MODE_INDEX, MODE_STATS, MODE_CHECK, MODE_OPTIMIZE };

typedef struct cli {
    const char *db;
    int mode;           /* MODE_* */
    int rebuild;
    double wait_s;      /* --wait: how long to wait for another run */
    char **paths;       /* borrowed from argv */
    size_t npaths;
    index_opts opts;
} cli;

static const char usage[] =
    "Usage: vnindex [OPTIONS] PATH...     index (or update the index of) PATHs\n"
    "       vnindex [OPTIONS] --stats     what the index holds, and its last run\n"
    "       vnindex [OPTIONS] --check     look for damage\n"
    "       vnindex [OPTIONS] --optimize  merge the index and compact the file\n"
    "Index the articles (.txt files, .html and .htm pages) in each PATH (files\n"
    "or folders, recursively) into an SQLite database. Runs are incremental:\n"
    "new and changed files are read, unchanged ones skipped, deleted ones\n"
    "removed from the index. Searches may go on during a run: they see the\n"
    "index as it was until the run ends, then as it is, never a mixture. A\n"
    "killed run loses what it had not committed, and the next one does it\n"
    "again (a first build commits every 500 articles). One run at a time per\n"
    "index: the lock is the file DB.lock, next to it.\n"
    "\n"
    "  --db FILE        the index (default: $VNSEARCH_DB, else vnsearch.db)\n"
    "  --rebuild        index again from scratch into DB.rebuild, then put that in\n"
    "                   place in one step (searches see the old index until\n"
    "                   then); repairs a damaged index. Each folder keeps the\n"
    "                   --base-url and --content-selector the index remembers\n"
    "  --base-url URL   public address of the files under each PATH, for articles\n"
    "                   that carry no URL of their own: PATH/a/b.html becomes\n"
    "                   URL/a/b.html (percent-encoded). Remembered by the index\n"
    "                   for later runs under that PATH; --base-url '' forgets it\n"
    "  --content-selector SEL\n"
    "                   the article element of .html pages: #id, .class, a bare\n"
    "                   name (id, else class) or an XPath (default: the block\n"
    "                   with the densest text)\n"
    "  --wait SECONDS   if another run holds the index, wait up to this long\n"
    "                   (default 0), then give up with exit status 4\n"
    "  --quiet          print only errors (for cron)\n"
    "  --stats          articles, distinct terms, text and index sizes, the last\n"
    "                   run's counts and time\n"
    "  --check          SQLite's integrity check, then FTS5's check of the index\n"
    "                   against the stored text; exit 5 on damage\n"
    "  --optimize       merge the full-text index into one b-tree and reclaim free\n"
    "                   space (indexing runs merge too, once 1% of the articles\n"
    "                   changed since the last merge)\n"
    "  --help           this text\n"
    "\n"
    "Exit status:\n"
    "  0  done (--check: no damage)\n"
    "  1  done, but some files were skipped or had bad bytes (named on stderr)\n"
    "  2  bad command line\n"
    "  3  the database could not be opened, read or written\n"
    "  4  busy: another vnindex held the index for longer than --wait\n"
    "  5  --check found damage: run vnindex --rebuild PATH...\n"
    "\n"
    "From cron, every hour, waiting up to 10 minutes for a run still going:\n"
    "  0 * * * *  vnindex --quiet --wait 600 --db /srv/vn/index.db /srv/archive\n";

/* ---- the command line ---------------------------------------------------- */

static int misuse(const char *fmt, const char *arg)
{
    fputs("vnindex: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\n(vnindex --help lists the options)\n", stderr);
    return -1;
}

static int set_mode(cli *c, int mode, const char *name)
{
    if (c->mode != MODE_INDEX && c->mode != mode)
        return misuse("%s cannot be combined with another of --stats, --check, --optimize",
                      name);
    c->mode = mode;
    return 0;
}

static int parse_wait(cli *c, const char *arg)
{
    char *end;
    errno = 0;
    double v = strtod(arg, &end);
    if (errno != 0 || end == arg || *end != '\0' || !isfinite(v) || v < 0 || v > 1e6)
        return misuse("--wait wants a number of seconds from 0 to 1000000, not '%s'", arg);
    c->wait_s = v;
    return 0;
}

/* After the options: what each mode wants. */
static int check_args(cli *c)
{
    if (c->mode == MODE_INDEX && c->npaths == 0)
        return misuse("no PATH given%s", "");
    if (c->mode != MODE_INDEX && c->npaths > 0)
        return misuse("--stats, --check and --optimize take no PATH (got '%s')", c->paths[0]);
    if (c->mode != MODE_INDEX
        && (c->rebuild || c->opts.base_url != NULL || c->opts.content_selector != NULL))
        return misuse("%s indexes: it needs PATHs, not --stats, --check or --optimize",
                      c->rebuild ? "--rebuild"
                      : c->opts.base_url != NULL ? "--base-url" : "--content-selector");
    if (c->opts.base_url != NULL && !vn_urlmap_valid(c->opts.base_url))
        return misuse("--base-url wants an absolute URL such as https://example.vn/news, "
                      "with spaces and other unsafe characters percent-encoded, not '%s'",
                      c->opts.base_url);
    vn_err err = {0};
    if (c->opts.content_selector != NULL
        && vn_html_selector_check(c->opts.content_selector, &err) != VN_OK)
        return misuse("%s", err.msg);
    return 0;
}

static int parse_args(int argc, char **argv, cli *c)
{
    static const struct option longs[] = {
        {"db", required_argument, NULL, 'd'},
        {"rebuild", no_argument, NULL, 'r'},
        {"quiet", no_argument, NULL, 'q'},
        {"base-url", required_argument, NULL, 'u'},
        {"content-selector", required_argument, NULL, 's'},
        {"wait", required_argument, NULL, 'w'},
        {"stats", no_argument, NULL, 'S'},
        {"check", no_argument, NULL, 'C'},
        {"optimize", no_argument, NULL, 'O'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int ch, bad = 0;
    while (!bad && (ch = getopt_long(argc, argv, "d:rqh", longs, NULL)) != -1) {
        switch (ch) {
        case 'd': c->db = optarg; break;
        case 'r': c->rebuild = 1; break;
        case 'q': c->opts.quiet = 1; break;
        case 'u': c->opts.base_url = optarg; break;
        case 's': c->opts.content_selector = optarg; break;
        case 'w': bad = parse_wait(c, optarg); break;
        case 'S': bad = set_mode(c, MODE_STATS, "--stats"); break;
        case 'C': bad = set_mode(c, MODE_CHECK, "--check"); break;
        case 'O': bad = set_mode(c, MODE_OPTIMIZE, "--optimize"); break;
        case 'h': fputs(usage, stdout); exit(EXIT_DONE);
        default: return misuse("unknown option or missing value%s", "");
        }
    }
    if (bad)
        return -1;
    c->paths = argv + optind;
    c->npaths = (size_t)(argc - optind);
    return check_args(c);
}

/* ---- shared steps ------------------------------------------------------------ */

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int fail(int status, const vn_err *err)
{
    fprintf(stderr, "vnindex: %s\n", err->msg);
    return status;
}

static int status_of(int rc)
{
    return rc == VN_EBUSY ? EXIT_BUSY : EXIT_DB;
}

/* The commands that write need the file to exist already (all but an
 * indexing run, which creates it). */
static int need_db(const cli *c, vn_err *err)
{
    struct stat sb;
    if (stat(c->db, &sb) == 0)
        return VN_OK;
    return vn_err_set(err, VN_ENOTFOUND, "no index at %s: build one with vnindex --db %s PATH",
                      c->db, c->db);
}

/* Does path hold an SQLite database (by its first 16 bytes)? */
static int looks_like_sqlite(const char *path)
{
    char head[16] = {0};
    FILE *f = fopen(path, "rb");
    size_t n = f ? fread(head, 1, sizeof head, f) : 0;
    if (f != NULL)
        fclose(f);
    return n == sizeof head && memcmp(head, "SQLite format 3", 16) == 0;
}

/* Remove the database and its -wal and -shm, which must go with it (a
 * -wal left behind would be replayed into the new file). */
static int remove_db(const char *db, vn_err *err)
{
    static const char *const suffix[] = {"-wal", "-shm", ""};
    char path[4096];
    for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
        snprintf(path, sizeof path, "%s%s", db, suffix[i]);
        if (unlink(path) != 0 && errno != ENOENT)
            return vn_err_set(err, VN_EIO, "cannot remove %s: %s", path, strerror(errno));
    }
    return VN_OK;
}

/* Copy the database at from over the one at to in one write transaction
 * (SQLite's backup API): readers of `to` see the old index until the
 * commit and the new one after, never a mixture. Falls back to replacing
 * the file (rename) when the copy cannot be made: `to` damaged beyond
 * what the backup can write over, or made with another page size. */
static int copy_over(const char *from, const char *to, vn_err *err)
{
    sqlite3 *src = NULL, *dst = NULL;
    int rc = sqlite3_open_v2(from, &src, SQLITE_OPEN_READONLY, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_open_v2(to, &dst, SQLITE_OPEN_READWRITE, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_busy_timeout(dst, 10000);
        sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
        rc = b != NULL ? sqlite3_backup_step(b, -1) : sqlite3_errcode(dst);
        int fin = b != NULL ? sqlite3_backup_finish(b) : SQLITE_OK;
        rc = rc == SQLITE_DONE ? fin : rc;
    }
    if (rc == SQLITE_OK) /* the copy sits in the -wal: fold what readers allow */
        sqlite3_exec(dst, "PRAGMA wal_checkpoint(PASSIVE)", NULL, NULL, NULL);
    sqlite3_close(src);
    sqlite3_close(dst);
    if (rc == SQLITE_OK)
        return VN_OK;
    if (rc != SQLITE_READONLY && rc != SQLITE_CORRUPT && rc != SQLITE_NOTADB)
        return vn_err_set(err, rc == SQLITE_BUSY ? VN_EBUSY : VN_EDB,
                          "cannot copy the rebuilt index over %s: %s (it is unchanged)", to,
                          sqlite3_errstr(rc));
    int io = remove_db(to, err);
    if (io == VN_OK && rename(from, to) != 0)
        io = vn_err_set(err, VN_EIO, "cannot move %s to %s: %s", from, to, strerror(errno));
    return io;
}

/* DB.rebuild, where --rebuild builds. Returns 0, or -1 when too long. */
static int rebuild_path(const char *db, char *out, size_t cap)
{
    int n = snprintf(out, cap, "%s.rebuild", db);
    return n >= 0 && (size_t)n < cap ? 0 : -1;
}

/* --rebuild: the old index's folder settings (each root's --base-url and
 * --content-selector) into the new one, so that a rebuild given neither
 * maps URLs and reads pages as the runs before it did. When the old
 * index is too damaged to read them, a warning says to give them again. */
static int carry_settings(const cli *c, vn_store *st, vn_err *err)
{
    vn_buf settings = VN_BUF_INIT;
    vn_err why = {0};
    size_t n = 0;
    int rc = VN_OK;
    if (vn_admin_settings_read(c->db, &settings, &why) != VN_OK)
        fprintf(stderr, "vnindex: %s: cannot read the old index's --base-url and"
                " --content-selector settings (%s): give them again if it had any\n",
                c->db, why.msg);
    else
        rc = vn_admin_settings_write(st, &settings, &n, err);
    vn_buf_free(&settings);
    return rc;
}

/* --rebuild: index from scratch into DB.rebuild, then copy that over DB
 * in one transaction, so that searches go on seeing the old index until
 * the new one is whole, and a run that fails or dies leaves DB as it was
 * (the next --rebuild removes what it left). A file that is not an
 * SQLite database is left alone. Needs room for a second index. */
static int rebuild(cli *c, index_counts *n, time_t started, double t0, int *merged, vn_err *err)
{
    char tmp[4096];
    vn_store *st = NULL;
    struct stat sb;
    int exists = stat(c->db, &sb) == 0;
    if (exists && !looks_like_sqlite(c->db))
        return vn_err_set(err, VN_EDB, "%s is not an SQLite database, so --rebuild leaves it "
                          "alone: remove it or choose another --db", c->db);
    if (rebuild_path(c->db, tmp, sizeof tmp) != 0)
        return vn_err_set(err, VN_EINVAL, "path too long: %s", c->db);
    const char *into = exists ? tmp : c->db;
    int rc = exists ? remove_db(tmp, err) : VN_OK;
    if (rc == VN_OK)
        rc = vn_store_open(into, VN_STORE_WRITE, &st, err);
    if (rc == VN_OK && exists)
        rc = carry_settings(c, st, err);
    c->opts.remembered_selector = 1;
    if (rc == VN_OK)
        rc = index_run(st, c->paths, c->npaths, &c->opts, n, err);
    if (rc == VN_OK)
        rc = vn_admin_finish_run(st, n, started, seconds() - t0, merged, err);
    vn_store_close(st); /* checkpoints: the whole index in one file */
    if (rc == VN_OK && exists)
        rc = copy_over(tmp, c->db, err);
    if (exists) {
        vn_err ignored;
        remove_db(tmp, &ignored);
    }
    return rc;
}

/* ---- the commands --------------------------------------------------------------- */

static void summary(const cli *c, const index_counts *n, double t0)
{
    if (!c->opts.quiet)
        printf("vnindex: %zu added, %zu updated, %zu removed, %zu unchanged, %zu failed"
               " in %.2f s\n", n->added, n->updated, n->removed, n->unchanged, n->failed,
               seconds() - t0);
}

static int cmd_index(cli *c, vn_store **st, vn_err *err)
{
    double t0 = seconds();
    time_t started = time(NULL);
    index_counts n = {0};
    int merged = 0;
    c->opts.progress = !c->opts.quiet && isatty(STDERR_FILENO);
    int rc;
    if (c->rebuild) {
        rc = rebuild(c, &n, started, t0, &merged, err);
    } else {
        char tmp[4096];
        vn_err ignored; /* what a killed --rebuild left: the run lock says it is over */
        if (rebuild_path(c->db, tmp, sizeof tmp) == 0)
            remove_db(tmp, &ignored);
        rc = vn_store_open(c->db, VN_STORE_WRITE, st, err);
        if (rc == VN_OK)
            rc = index_run(*st, c->paths, c->npaths, &c->opts, &n, err);
        if (rc == VN_OK)
            rc = vn_admin_finish_run(*st, &n, started, seconds() - t0, &merged, err);
        if (rc != VN_OK && merged) { /* the run committed; only the merge after it failed */
            char why[sizeof err->msg];
            snprintf(why, sizeof why, "%s", err->msg);
            vn_err_set(err, rc, "%s; this run's articles are stored and searchable, run"
                       " vnindex --optimize once that is fixed", why);
        }
    }
    if (rc != VN_OK)
        return fail(status_of(rc), err);
    summary(c, &n, t0);
    return n.failed || n.warned ? EXIT_PARTIAL : EXIT_DONE;
}

static void print_bytes(const char *key, int64_t n)
{
    printf("%s: %lld (%.1f MB)\n", key, (long long)n, n / 1048576.0);
}

static int cmd_stats(cli *c, vn_store **st, vn_err *err)
{
    vn_admin_stats s;
    vn_buf last = VN_BUF_INIT;
    int rc = vn_store_open(c->db, VN_STORE_READ, st, err);
    if (rc == VN_OK)
        rc = vn_admin_stats_get(*st, c->db, &s, err);
    if (rc == VN_OK)
        rc = vn_admin_last_run(*st, &last, err);
    if (rc != VN_OK) {
        vn_buf_free(&last);
        return fail(status_of(rc), err);
    }
    printf("database: %s\narticles: %lld\nterms: %lld\ntokens: %lld\n", c->db,
           (long long)s.articles, (long long)s.terms, (long long)s.tokens);
    print_bytes("file_bytes", s.file_bytes);
    print_bytes("text_bytes", s.text_bytes);
    print_bytes("stored_text_bytes", s.stored_bytes);
    print_bytes("index_bytes", s.index_bytes);
    printf("index_segments: %lld\n", (long long)s.segments);
    print_bytes("database_bytes", s.db_bytes);
    print_bytes("wal_bytes", s.wal_bytes);
    print_bytes("free_bytes", s.free_bytes);
    for (char *line = last.data, *nl; line != NULL && *line; line = nl + 1) {
        nl = strchr(line, '\n');
        *nl = '\0';
        char *space = strchr(line, ' ');
        *space = '\0';
        printf("%s: %s\n", line, space + 1);
    }
    if (last.len == 0)
        printf("last_run_at: never\n");
    vn_buf_free(&last);
    return EXIT_DONE;
}

static int cmd_check(cli *c, vn_store **st, vn_err *err)
{
    int damaged = 0;
    vn_buf report = VN_BUF_INIT;
    int rc = need_db(c, err);
    if (rc == VN_OK)
        rc = vn_store_open(c->db, VN_STORE_WRITE, st, err);
    if (rc == VN_EDB) { /* cannot even read its schema */
        fprintf(stderr, "vnindex: %s\nvnindex: %s is damaged: rebuild it with vnindex --db %s"
                " --rebuild PATH...\n", err->msg, c->db, c->db);
        return EXIT_DAMAGED;
    }
    if (rc == VN_OK)
        rc = vn_admin_check(*st, &damaged, &report, err);
    if (rc == VN_OK && damaged) {
        fputs(report.data, stderr);
        fprintf(stderr, "vnindex: %s is damaged: rebuild it with vnindex --db %s --rebuild "
                "PATH...\n", c->db, c->db);
    }
    vn_buf_free(&report);
    if (rc != VN_OK)
        return fail(status_of(rc), err);
    if (!damaged && !c->opts.quiet)
        printf("vnindex: %s: no damage found\n", c->db);
    return damaged ? EXIT_DAMAGED : EXIT_DONE;
}

static int cmd_optimize(cli *c, vn_store **st, vn_err *err)
{
    vn_admin_stats before, after;
    int rc = need_db(c, err);
    if (rc == VN_OK)
        rc = vn_store_open(c->db, VN_STORE_WRITE, st, err);
    if (rc == VN_OK)
        rc = vn_admin_stats_get(*st, c->db, &before, err);
    if (rc == VN_OK)
        rc = vn_admin_optimize(*st, err);
    if (rc == VN_OK)
        rc = vn_admin_stats_get(*st, c->db, &after, err);
    if (rc != VN_OK)
        return fail(status_of(rc), err);
    if (!c->opts.quiet)
        printf("vnindex: optimized: index %.1f -> %.1f MB in %lld -> %lld b-trees,"
               " file %.1f -> %.1f MB\n", before.index_bytes / 1048576.0,
               after.index_bytes / 1048576.0, (long long)before.segments,
               (long long)after.segments, (before.db_bytes + before.wal_bytes) / 1048576.0,
               (after.db_bytes + after.wal_bytes) / 1048576.0);
    return EXIT_DONE;
}

static const struct mode {
    int (*run)(cli *c, vn_store **st, vn_err *err);
    int locks;          /* writes, so takes the run lock */
} modes[] = {
    [MODE_INDEX] = {cmd_index, 1},
    [MODE_STATS] = {cmd_stats, 0},
    [MODE_CHECK] = {cmd_check, 1},
    [MODE_OPTIMIZE] = {cmd_optimize, 1},
};

int main(int argc, char **argv)
{
    const char *env_db = getenv("VNSEARCH_DB");
    cli c = {.db = env_db && *env_db ? env_db : "vnsearch.db"};
    if (parse_args(argc, argv, &c) != 0)
        return EXIT_USAGE;
    vn_store *st = NULL;
    vn_err err = {0};
    int lock = -1, status;
    /* A directory or another application's database is refused before
     * DB.lock goes beside it, and before --rebuild copies over it. */
    int rc = vn_store_probe(c.db, &err);
    if (rc == VN_OK && modes[c.mode].locks)
        rc = vn_admin_lock(c.db, c.wait_s, &lock, &err);
    if (rc != VN_OK)
        status = fail(status_of(rc), &err);
    else
        status = modes[c.mode].run(&c, &st, &err);
    vn_store_close(st); /* before the lock goes: the close checkpoints */
    vn_admin_unlock(lock);
    return status;
}
