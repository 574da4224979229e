/* vn_syn.h: abbreviations and other spellings that mean the same thing.
 *
 * The table is text, one group per line, its forms separated by '=' or
 * '|', '#' starting a comment:
 *     UBND = Ủy ban nhân dân
 *     TP.HCM = TPHCM = TP HCM = Thành phố Hồ Chí Minh    # ...
 * Each form is read by vn_norm as the tokenizer reads text, so it becomes
 * the words a query holds (TP.HCM -> tp hcm, NĐ-CP -> nđ cp). Forms are
 * matched as the diacritics policy reads query words: case-free, a word
 * typed without marks standing for every accented spelling (uy ban nhan
 * dan and ủy ban nhân dân both find Ủy ban nhân dân; QD finds QĐ), a word
 * typed with marks for its own spelling only. A group hands back every
 * form, each as canonical words.
 * Forms that fold alike within a line count once (QĐ = QD). A form that
 * two lines of one text both hold is an error; a later text (a user's
 * file loaded after the shipped one) takes the form over for its group,
 * and the form leaves its old group. A line "-KH" (or "-KH = QĐ") makes
 * earlier texts forget those forms: they stand for nothing else any more
 * (a form no group holds is ignored). A group left with fewer than two
 * forms stands for nothing.
 *
 * A vn_syn owns its groups and strings; vn_syn_free releases them. Lookups
 * do not change it, so one table can serve many threads once loaded.
 * Calls return VN_OK or an error code and fill *err, naming the file and
 * line of a bad line. */
#ifndef VN_SYN_H
#define VN_SYN_H

#include "vn_err.h"
#include "vn_norm.h"

#include <stddef.h>

/* One form of a group. All strings NUL-terminated, owned by the table. */
typedef struct vn_syn_form {
    const char *text;          /* as written in the file, trimmed */
    const char *canon;         /* canonical words joined by single spaces */
    const char *fold;          /* folded words joined by single spaces */
    const char *const *words;  /* the canonical words, nwords of them */
    size_t nwords;
} vn_syn_form;

/* One line of the table. */
typedef struct vn_syn_group {
    const vn_syn_form *forms;  /* in the order written */
    size_t nforms;             /* at least 2 */
    const char *source;        /* the name given to vn_syn_parse */
    size_t line;               /* 1-based line in that source */
} vn_syn_group;

typedef struct vn_syn vn_syn;

/* An empty table. OUT: *out, freed with vn_syn_free. */
int vn_syn_open(vn_syn **out, vn_err *err);
/* Accepts NULL. */
void vn_syn_free(vn_syn *syn);

/* Add the groups of the n bytes at text (for a table compiled into the
 * binary); name is used in error messages ("built-in synonyms"). nm
 * (borrowed) splits and folds the forms; NULL opens one for the call.
 * On error nothing from this text is added. */
int vn_syn_parse(vn_syn *syn, vn_norm *nm, const char *text, size_t n,
                 const char *name, vn_err *err);

/* The same for the file at path. VN_ENOTFOUND when it does not exist,
 * VN_EIO when it cannot be read, VN_EINVAL for a bad line
 * ("synonyms.txt:12: ..."). */
int vn_syn_load(vn_syn *syn, vn_norm *nm, const char *path, vn_err *err);

/* The number of groups, and group i (borrowed, i < vn_syn_count). */
size_t vn_syn_count(const vn_syn *syn);
const vn_syn_group *vn_syn_group_at(const vn_syn *syn, size_t i);

/* The longest form that the query words[0..nwords) start with. Each word
 * is a token as vn_norm gives it (canon, fold and has_marks are read; the
 * strings need only live for the call). A word typed with marks must be
 * the form's word (văn phong is not văn phòng); one typed without stands
 * for every accented spelling (van phong is). OUT: *nmatched, the number
 * of words the form covers (0 when none); *form (may be NULL), the form
 * that matched, borrowed. Returns its group (borrowed), or NULL.
 * Call it at each word i with words + i. */
const vn_syn_group *vn_syn_match(const vn_syn *syn, const vn_token *words,
                                 size_t nwords, size_t *nmatched,
                                 const vn_syn_form **form);

/* Called for each match found by vn_syn_scan: form of group covers words
 * [first, first + n) of the text, bytes [start, end) of it. Non-zero stops
 * the scan and is passed back. */
typedef int (*vn_syn_match_fn)(void *ctx, const vn_syn_group *group,
                               const vn_syn_form *form, size_t first, size_t n,
                               size_t start, size_t end);

/* Split text into words with nm and report its matches left to right,
 * longest first, without overlaps: a match's words are not searched again. */
int vn_syn_scan(const vn_syn *syn, vn_norm *nm, const char *text, size_t n,
                vn_syn_match_fn fn, void *ctx, vn_err *err);

#endif
