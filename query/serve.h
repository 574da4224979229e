/* serve.h: `vnquery serve`, the HTTP server behind the website's search
 * box (query/http.c, on libmicrohttpd).
 *
 *   GET /?q=...        the search page (query/web/), results rendered on
 *                      the server so that it works without JavaScript
 *   GET /api/search    the JSON of `vnquery --json` plus page, size, pages
 *   GET /api/suggest   completions as the reader types
 *   GET /healthz       {"status": "ok", ...} while the index answers
 *   GET /static/...    the page's script, style sheet and icon (embedded)
 *
 * A pool of worker threads, each with its own read-only connection to the
 * index (WAL: a reindex is seen at the next request, nobody waits). Stops
 * on SIGTERM or SIGINT once the requests in progress are answered. */
#ifndef VN_SERVE_H
#define VN_SERVE_H

/* Run the server with the arguments that follow "serve" (argv[0] is
 * "serve"). Returns the process exit code: 0 when stopped by a signal,
 * 1 on a runtime failure, 2 on misuse, 3 when the index cannot be read.
 * Prints its own errors. */
int serve_main(int argc, char **argv);

#endif
