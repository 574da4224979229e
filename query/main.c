/* vnquery: search an index built by vnindex. */
#include "out.h"
#include "search.h"
#include "serve.h"
#include "vn_norm.h"
#include "vn_store.h"
#include "vn_syn.h"

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

typedef struct cli {
    const char *db;
    const char *synonyms;
    int json;
    search_req rq;
} cli;

static const char usage[] =
    "Usage: vnquery [OPTIONS] QUERY...\n"
    "       vnquery serve [--help] [OPTIONS]   the website's search box over HTTP\n"
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
    "Anything else is searched as text; no input is an error (a query longer\n"
    "than 10,000 bytes is refused, exit 2). When words typed\n"
    "with diacritics find nothing, they are searched again without.\n"
    "\n"
    "Options go before the query: it starts at the first argument that is not\n"
    "an option (--limit 5 or --limit=5; a misspelt --name is an error), and\n"
    "from there on everything is query text, even words starting with '-':\n"
    "vnquery cải cách '-\"chỉ số\"' finds cải cách without the phrase chỉ số,\n"
    "vnquery -ủy ban finds ban without ủy. Quote a phrase for the shell as\n"
    "well ('\"a b\"'), or vnquery gets the words without the quotes. After --,\n"
    "every argument is query text.\n"
    "\n"
    "  --db FILE    the index (default: $VNSEARCH_DB, else vnsearch.db)\n"
    "  --limit N    results per page (default 10, at most 1000)\n"
    "  --offset N   skip the first N results\n"
    "  --since DATE, --until DATE\n"
    "               only articles dated in the range (inclusive): YYYY-MM-DD,\n"
    "               YYYY-MM or YYYY; articles with no known date are left out\n"
    "  --sort ORDER relevance (default), date (newest first) or date-asc;\n"
    "               articles with no known date come last\n"
    "  --synonyms FILE\n"
    "               more abbreviations and spellings, one group a line:\n"
    "               UBND = Ủy ban nhân dân (added to the built-in table; a form\n"
    "               in FILE moves to FILE's group)\n"
    "  --json       JSON: {query, total, took_ms, limit, offset, sort, since,\n"
    "               until, relaxed, searched, suggestion, results:[{rank, path,\n"
    "               url, title, date, author, score, snippet}]}; the snippet is\n"
    "               HTML-escaped with <mark> around matches\n"
    "\n"
    "Exit: 0 searched (with or without results), 2 usage, 3 database error.\n";

static int parse_int(const char *s, int lo, int hi, int *out)
{
    long v;
    if (search_parse_int(s, strlen(s), lo, hi, &v) != 0)
        return -1;
    *out = (int)v;
    return 0;
}

static const struct option longs[] = {
    {"db", required_argument, NULL, 'd'},
    {"limit", required_argument, NULL, 'n'},
    {"offset", required_argument, NULL, 'o'},
    {"json", no_argument, NULL, 'j'},
    {"since", required_argument, NULL, 's'},
    {"until", required_argument, NULL, 'u'},
    {"sort", required_argument, NULL, 'r'},
    {"synonyms", required_argument, NULL, 'y'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};
#define SHORTS "+d:n:o:js:u:r:y:h" /* '+': getopt stops at the first operand */

/* Is arg one of vnquery's options? The short letter alone ("-d"), or
 * "--" and a letter: getopt_long then reads "--db", "--db=FILE", an
 * abbreviation ("--lim") or a misspelt name (an error, not a query).
 * Anything else starting with '-' (-ủy, -"a b", -x, -*, -dân, -n5) is
 * query text, so that an exclusion typed first is searched, not refused.
 * OUT: *takes_arg, whether the next argument is its value. */
static int is_option(const char *arg, int *takes_arg)
{
    const struct option *o = longs;
    *takes_arg = 0;
    if (arg[0] != '-' || arg[1] == '\0')
        return 0;
    if (arg[1] == '-') {
        const char *name = arg + 2;
        size_t n = strcspn(name, "=");
        int letter = (*name >= 'a' && *name <= 'z') || (*name >= 'A' && *name <= 'Z');
        while (letter && name[n] == '\0' && o->name != NULL && strncmp(o->name, name, n) != 0)
            o++; /* the first that it abbreviates, as getopt_long reads it */
        *takes_arg = letter && name[n] == '\0' && o->name != NULL
                     && o->has_arg == required_argument;
        return letter;
    }
    while (o->name != NULL && !(arg[1] == o->val && arg[2] == '\0'))
        o++;
    *takes_arg = o->name != NULL && o->has_arg == required_argument;
    return o->name != NULL;
}

/* Where the query starts in argv: at the first argument that is not an
 * option or an option's value, or after a "--" that ends the options.
 * The options are argv[1, return) ("--" included). */
static int query_start(int argc, char **argv)
{
    int i = 1, takes_arg;
    while (i < argc && strcmp(argv[i], "--") != 0 && is_option(argv[i], &takes_arg))
        i += 1 + takes_arg;
    if (i < argc && strcmp(argv[i], "--") == 0)
        return i + 1;
    return i < argc ? i : argc;
}

/* Read the options into c. OUT: *first, the index of the query's first
 * word in argv. Returns 0, or -1 after saying why on stderr. */
static int parse_args(int argc, char **argv, cli *c, int *first)
{
    int nopt = query_start(argc, argv), ch;
    *first = nopt;
    while ((ch = getopt_long(nopt, argv, SHORTS, longs, NULL)) != -1) {
        switch (ch) {
        case 'd': c->db = optarg; break;
        case 'n':
            if (parse_int(optarg, 1, SEARCH_LIMIT_MAX, &c->rq.limit) != 0) {
                fprintf(stderr, "vnquery: --limit wants a number from 1 to %d\n",
                        SEARCH_LIMIT_MAX);
                return -1;
            }
            break;
        case 'o':
            if (parse_int(optarg, 0, SEARCH_OFFSET_MAX, &c->rq.offset) != 0) {
                fprintf(stderr, "vnquery: --offset wants a number from 0 to %d\n",
                        SEARCH_OFFSET_MAX);
                return -1;
            }
            break;
        case 's':
        case 'u':
            if (search_parse_date(optarg, ch == 'u', ch == 'u' ? c->rq.until : c->rq.since)) {
                fprintf(stderr, "vnquery: --%s wants a date: YYYY-MM-DD, YYYY-MM or YYYY\n",
                        ch == 'u' ? "until" : "since");
                return -1;
            }
            break;
        case 'r':
            if (search_parse_sort(optarg, &c->rq.sort) != 0) {
                fputs("vnquery: --sort wants relevance, date or date-asc\n", stderr);
                return -1;
            }
            break;
        case 'j': c->json = 1; break;
        case 'y': c->synonyms = optarg; break;
        case 'h': fputs(usage, stdout); exit(EXIT_DONE);
        default: fputs(usage, stderr); return -1;
        }
    }
    if (*first >= argc) {
        fputs("vnquery: no QUERY given\n", stderr);
        fputs(usage, stderr);
        return -1;
    }
    return 0;
}

/* The words of argv joined by spaces. OUT: caller frees. */
static char *join_query(int first, int argc, char **argv)
{
    vn_buf q = VN_BUF_INIT;
    int rc = VN_OK;
    for (int i = first; i < argc; i++) {
        if (i > first)
            vn_buf_puts_rc(&q, " ", &rc);
        vn_buf_puts_rc(&q, argv[i], &rc);
    }
    char *s = NULL;
    if (rc == VN_OK)
        vn_buf_take(&q, &s, NULL);
    vn_buf_free(&q);
    return s;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "serve") == 0)
        return serve_main(argc - 1, argv + 1);
    const char *env_db = getenv("VNSEARCH_DB");
    cli c = {.db = env_db && *env_db ? env_db : "vnsearch.db", .rq = {.limit = 10}};
    int first = 0;
    if (parse_args(argc, argv, &c, &first) != 0)
        return EXIT_USAGE;
    if (c.rq.since[0] && c.rq.until[0] && strcmp(c.rq.since, c.rq.until) > 0) {
        fprintf(stderr, "vnquery: --since %s is after --until %s\n", c.rq.since, c.rq.until);
        return EXIT_USAGE;
    }
    char *text = join_query(first, argc, argv);
    if (text != NULL && strlen(text) > SEARCH_QUERY_MAX) {
        fprintf(stderr, "vnquery: query too long: %zu bytes, the limit is %d\n",
                strlen(text), SEARCH_QUERY_MAX);
        free(text);
        return EXIT_USAGE;
    }
    c.rq.q = text;
    search_res res = {0};
    vn_buf out = VN_BUF_INIT;
    vn_store *st = NULL;
    vn_err err = {0};
    int orc = VN_OK;
    vn_syn *syn = NULL;
    int rc = text ? search_syn_load(c.synonyms, &syn, &err)
                  : vn_err_set(&err, VN_ENOMEM, "out of memory");
    if (rc != VN_OK) {
        fprintf(stderr, "vnquery: %s\n", err.msg);
        free(text);
        return EXIT_USAGE;
    }
    c.rq.syn = syn;
    vn_norm *nm = NULL;
    rc = vn_store_open(c.db, VN_STORE_READ, &st, &err);
    if (rc == VN_OK)
        rc = vn_norm_open(&nm, &err);
    if (rc == VN_OK)
        rc = search_run(st, nm, &c.rq, &res, &err);
    vn_norm_close(nm);
    vn_store_close(st);
    if (rc == VN_OK && c.json)
        out_json_page(&out, &c.rq, &res, &orc);
    else if (rc == VN_OK)
        out_text_page(&out, &c.rq, &res, isatty(STDOUT_FILENO), &orc);
    if (rc == VN_OK && orc != VN_OK)
        rc = vn_err_set(&err, orc, "out of memory");
    if (rc == VN_OK && out.len > 0)
        fwrite(out.data, 1, out.len, stdout);
    vn_buf_free(&out);
    search_res_free(&res);
    vn_syn_free(syn);
    free(text);
    if (rc != VN_OK) {
        fprintf(stderr, "vnquery: %s\n", err.msg);
        return EXIT_DB;
    }
    return EXIT_DONE;
}
