/* tmp_db.h: the scratch databases tests and fuzzers make. Header-only. */
#ifndef VN_TMP_DB_H
#define VN_TMP_DB_H

#include <stdio.h>
#include <unistd.h>

/* Remove the SQLite database at path with its -wal and -shm files. */
static inline void remove_db(const char *path)
{
    static const char *const suffix[] = {"", "-wal", "-shm"};
    char name[4096];
    for (int i = 0; i < 3; i++) {
        snprintf(name, sizeof name, "%s%s", path, suffix[i]);
        unlink(name);
    }
}

#endif
