/* vn_syn_data.h: the synonym table shipped in the binary (the text of
 * common/synonyms.txt), for vn_syn_parse. */
#ifndef VN_SYN_DATA_H
#define VN_SYN_DATA_H

#include <stddef.h>

extern const char vn_syn_builtin[];     /* the table's text, NUL-terminated */
extern const char vn_syn_builtin_end[]; /* just past its last byte */

/* Bytes in the table, not counting the NUL. */
size_t vn_syn_builtin_len(void);

#endif
