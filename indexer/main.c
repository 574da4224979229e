/* vnindex: build or update the search index of a folder of articles. */
#include "index.h"
#include "vn_store.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum {
    EXIT_DONE = 0,      /* every file indexed */
    EXIT_PARTIAL = 1,   /* indexed, but some files were skipped or repaired */
    EXIT_USAGE = 2,     /* bad command line */
    EXIT_DB = 3,        /* the database could not be opened or written */
    EXIT_BUSY = 4,      /* another process holds the database */
};

typedef struct cli {
    const char *db;
    int rebuild;
    index_opts opts;
} cli;

static const char usage[] =
    "Usage: vnindex [--db FILE] [--rebuild] [--quiet] PATH...\n"
    "Index the .txt articles in each PATH (files or folders, recursively) into\n"
    "an SQLite database. Runs are incremental: new and changed files are read,\n"
    "unchanged ones skipped, deleted ones removed from the index.\n"
    "\n"
    "  --db FILE    the index (default: $VNSEARCH_DB, else vnsearch.db)\n"
    "  --rebuild    drop everything and index again from scratch\n"
    "  --quiet      print only errors\n"
    "  --help       this text\n"
    "\n"
    "Exit: 0 done, 1 some files skipped (named on stderr), 2 usage,\n"
    "3 database error, 4 database busy.\n";

static int parse_args(int argc, char **argv, cli *c)
{
    static const struct option longs[] = {
        {"db", required_argument, NULL, 'd'},
        {"rebuild", no_argument, NULL, 'r'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int ch;
    while ((ch = getopt_long(argc, argv, "d:rqh", longs, NULL)) != -1) {
        switch (ch) {
        case 'd': c->db = optarg; break;
        case 'r': c->rebuild = 1; break;
        case 'q': c->opts.quiet = 1; break;
        case 'h': fputs(usage, stdout); exit(EXIT_DONE);
        default: fputs(usage, stderr); return -1;
        }
    }
    if (optind >= argc) {
        fputs("vnindex: no PATH given\n", stderr);
        fputs(usage, stderr);
        return -1;
    }
    return 0;
}

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    const char *env_db = getenv("VNSEARCH_DB");
    cli c = {.db = env_db && *env_db ? env_db : "vnsearch.db"};
    if (parse_args(argc, argv, &c) != 0)
        return EXIT_USAGE;
    c.opts.progress = !c.opts.quiet && isatty(STDERR_FILENO);

    double t0 = seconds();
    vn_store *st = NULL;
    vn_err err = {0};
    index_counts n = {0};
    int rc = vn_store_open(c.db, VN_STORE_WRITE, &st, &err);
    if (rc == VN_EVERSION && c.rebuild) { /* an old schema: start over */
        vn_store_close(st);
        if (unlink(c.db) == 0)
            rc = vn_store_open(c.db, VN_STORE_WRITE, &st, &err);
    }
    if (rc == VN_OK && c.rebuild)
        rc = vn_store_reset(st, &err);
    if (rc == VN_OK)
        rc = index_run(st, argv + optind, (size_t)(argc - optind), &c.opts, &n, &err);
    vn_store_close(st);
    if (rc != VN_OK) {
        fprintf(stderr, "vnindex: %s\n", err.msg);
        return rc == VN_EBUSY ? EXIT_BUSY : EXIT_DB;
    }
    if (!c.opts.quiet)
        printf("vnindex: %zu added, %zu updated, %zu removed, %zu unchanged, %zu failed"
               " in %.2f s\n", n.added, n.updated, n.removed, n.unchanged, n.failed,
               seconds() - t0);
    return n.failed || n.warned ? EXIT_PARTIAL : EXIT_DONE;
}
