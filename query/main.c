/* vnquery: search an index built by vnindex. */
#include "out.h"
#include "vn_query.h"
#include "vn_store.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum {
    EXIT_DONE = 0,   /* searched: results or none */
    EXIT_USAGE = 2,  /* bad command line */
    EXIT_DB = 3,     /* no index, a damaged one, or one of another version */
};

#define LIMIT_MAX 1000

typedef struct cli {
    const char *db;
    int limit, offset, json;
} cli;

static const char usage[] =
    "Usage: vnquery [--db FILE] [--limit N] [--offset N] [--json] QUERY...\n"
    "Search an index built by vnindex. Words typed with diacritics match that\n"
    "spelling (hòa = hoà, kĩ = kỹ); words typed without match every accented\n"
    "form (tinh gian bien che finds tinh giản biên chế).\n"
    "\n"
    "Query syntax:\n"
    "  word word        every word must appear; adjacent and in order ranks first\n"
    "  \"a phrase\"       the words adjacent and in this order\n"
    "  -word -\"a b\"     exclude\n"
    "  a OR b           either\n"
    "  title:word       in the title (also title:\"a phrase\")\n"
    "  word*            prefix (two characters at least)\n"
    "Anything else is searched as text; no input is an error.\n"
    "\n"
    "  --db FILE    the index (default: $VNSEARCH_DB, else vnsearch.db)\n"
    "  --limit N    results per page (default 10, at most 1000)\n"
    "  --offset N   skip the first N results\n"
    "  --json       JSON: {query, total, took_ms, limit, offset, results:[{rank,\n"
    "               path, url, title, date, author, score, snippet}]}; the\n"
    "               snippet is HTML-escaped with <mark> around matches\n"
    "\n"
    "Exit: 0 searched (with or without results), 2 usage, 3 database error.\n";

static int parse_int(const char *s, int lo, int hi, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return -1;
    *out = (int)v;
    return 0;
}

static int parse_args(int argc, char **argv, cli *c)
{
    static const struct option longs[] = {
        {"db", required_argument, NULL, 'd'},
        {"limit", required_argument, NULL, 'n'},
        {"offset", required_argument, NULL, 'o'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int ch;
    while ((ch = getopt_long(argc, argv, "d:n:o:jh", longs, NULL)) != -1) {
        switch (ch) {
        case 'd': c->db = optarg; break;
        case 'n':
            if (parse_int(optarg, 1, LIMIT_MAX, &c->limit) != 0) {
                fprintf(stderr, "vnquery: --limit wants a number from 1 to %d\n", LIMIT_MAX);
                return -1;
            }
            break;
        case 'o':
            if (parse_int(optarg, 0, 1000000, &c->offset) != 0) {
                fputs("vnquery: --offset wants a number from 0 to 1000000\n", stderr);
                return -1;
            }
            break;
        case 'j': c->json = 1; break;
        case 'h': fputs(usage, stdout); exit(EXIT_DONE);
        default: fputs(usage, stderr); return -1;
        }
    }
    if (optind >= argc) {
        fputs("vnquery: no QUERY given\n", stderr);
        fputs(usage, stderr);
        return -1;
    }
    return 0;
}

/* The words of argv joined by spaces. OUT: caller frees. */
static char *join_query(int argc, char **argv)
{
    vn_buf q = VN_BUF_INIT;
    int rc = VN_OK;
    for (int i = optind; i < argc; i++) {
        if (i > optind)
            vn_buf_puts_rc(&q, " ", &rc);
        vn_buf_puts_rc(&q, argv[i], &rc);
    }
    char *s = NULL;
    if (rc == VN_OK)
        vn_buf_take(&q, &s, NULL);
    vn_buf_free(&q);
    return s;
}

/* Collects the results as they come; the page is assembled after, when
 * the total and the time are known. */
typedef struct printer {
    vn_buf hits;
    int json, ansi, nshown, rc;
} printer;

static int print_hit(void *ctx, const vn_hit *hit)
{
    printer *p = ctx;
    if (p->json)
        out_json_hit(&p->hits, hit, p->nshown == 0, &p->rc);
    else
        out_text_hit(&p->hits, hit, p->ansi, &p->rc);
    p->nshown++;
    return p->rc;
}

static double millis(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Parse, search, and write the page into out. */
static int search(vn_store *st, const cli *c, const char *text, printer *p, vn_buf *out,
                  vn_err *err)
{
    double t0 = millis();
    vn_query q = {0};
    out_page pg = {.query = text, .limit = c->limit, .offset = c->offset};
    int rc = vn_query_parse(text, strlen(text), &q, err);
    if (rc == VN_OK)
        rc = vn_store_search(st, q.match, c->limit, c->offset, print_hit, p, &pg.total, err);
    pg.took_ms = millis() - t0;
    if (rc == VN_OK && p->json) {
        out_json_open(out, &pg, &p->rc);
        vn_buf_add_rc(out, p->hits.data, p->hits.len, &p->rc);
        out_json_close(out, &pg, &p->rc);
    } else if (rc == VN_OK) {
        vn_buf_add_rc(out, p->hits.data, p->hits.len, &p->rc);
        out_text_footer(out, &pg, p->nshown, &p->rc);
    }
    vn_query_free(&q);
    if (rc == VN_OK && p->rc != VN_OK)
        rc = vn_err_set(err, p->rc, "out of memory");
    return rc;
}

int main(int argc, char **argv)
{
    const char *env_db = getenv("VNSEARCH_DB");
    cli c = {.db = env_db && *env_db ? env_db : "vnsearch.db", .limit = 10};
    if (parse_args(argc, argv, &c) != 0)
        return EXIT_USAGE;
    char *text = join_query(argc, argv);
    printer p = {.hits = VN_BUF_INIT, .json = c.json, .ansi = isatty(STDOUT_FILENO)};
    vn_buf out = VN_BUF_INIT;
    vn_store *st = NULL;
    vn_err err = {0};
    int rc = text ? vn_store_open(c.db, VN_STORE_READ, &st, &err)
                  : vn_err_set(&err, VN_ENOMEM, "out of memory");
    if (rc == VN_OK)
        rc = search(st, &c, text, &p, &out, &err);
    vn_store_close(st);
    if (rc == VN_OK && out.len > 0)
        fwrite(out.data, 1, out.len, stdout);
    vn_buf_free(&out);
    vn_buf_free(&p.hits);
    free(text);
    if (rc != VN_OK) {
        fprintf(stderr, "vnquery: %s\n", err.msg);
        return EXIT_DB;
    }
    return EXIT_DONE;
}
