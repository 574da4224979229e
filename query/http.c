/* http.c: `vnquery serve` (placeholder until the server lands). */
#include "serve.h"

#include <stdio.h>

int serve_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("vnquery serve: not built yet\n", stderr);
    return 2;
}
