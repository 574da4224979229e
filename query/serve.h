/* serve.h: `vnquery serve`, the HTTP server behind the website's search
 * box (query/http.c). */
#ifndef VN_SERVE_H
#define VN_SERVE_H

/* Run the server with the arguments that follow "serve" (argv[0] is
 * "serve"). Returns the process exit code; prints its own errors. */
int serve_main(int argc, char **argv);

#endif
