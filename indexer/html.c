/* html.c: see html.h.
 *
 * The elements of the parsed page are numbered in document order, each
 * with an info record that node->_private points to (libxml2 leaves that
 * field to applications). One pass down marks chrome and collects the
 * meta tags; one pass up, in reverse order, sums each subtree's visible
 * text and link text. Scores follow readability's idea: a block with at
 * least MIN_PARA code points of text of its own gives points (more for
 * commas and length) to itself when it is a container, to its parent,
 * and less to two more ancestors; a candidate's points, plus a weight
 * for its tag and class, are scaled by (1 - its link density). The best
 * candidate and the siblings that score or read well are the article.
 * Rendering then turns them into paragraphs, which lose chrome lines,
 * datelines, the repeated title and the byline. */
#include "html.h"

#include "vn_buf.h"

#include <libxml/HTMLparser.h>
#include <libxml/uri.h>
#include <libxml/xpath.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <assert.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define NONE ((size_t)-1)
#define MIN_PARA 25          /* code points of its own text a block needs to score */
#define SIBLING_TEXT 80      /* a sibling this long with few links is article text */
#define META_TEXT_MAX 80     /* bytes: a dateline or author element longer is text */
#define SITE_SUFFIX_MAX 60   /* bytes: a " - Site name" title suffix longer is title */
#define CLASS_WEIGHT 25.0
#define EDGE_PARAS 3         /* paragraphs looked at, at each end, for datelines */
#define UP_MAX 32            /* ancestors looked at from a text for its block, bold, links */

/* XML_PARSE_HUGE: without it libxml2 drops, silently, everything nested
 * deeper than 256 elements (old pages with unclosed <font> tags reach
 * that). Every walk below is iterative and looks up at most UP_MAX
 * ancestors, so depth costs no stack and no quadratic time. */
static const int parse_options = HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_NOERROR
                                 | HTML_PARSE_NOWARNING | HTML_PARSE_IGNORE_ENC
                                 | HTML_PARSE_NODEFDTD | XML_PARSE_HUGE;

/* libxml2's process-wide state, set up once for every thread. */
static pthread_once_t libxml_once = PTHREAD_ONCE_INIT;

static void libxml_init_once(void)
{
    xmlInitParser();
}

static void libxml_init(void)
{
    pthread_once(&libxml_once, libxml_init_once);
}

/* ---- tags and classes ------------------------------------------------- */

enum {
    T_BLOCK = 1,      /* ends a paragraph */
    T_SKIP = 2,       /* never text: scripts, styles, forms' controls, media */
    T_CHROME = 4,     /* site furniture: navigation, footers, asides */
    T_CONTAINER = 8,  /* scores its own text itself */
    T_BOLD = 16,
    T_ARTICLE = 32,   /* a <header> inside it is the article's own */
};

static const struct tag {
    const char *name;
    unsigned flags;
    double weight; /* readability's initial score for a candidate */
} tags[] = {
    {"address", T_BLOCK, -3}, {"article", T_BLOCK | T_CONTAINER | T_ARTICLE, 5},
    {"aside", T_BLOCK | T_CHROME, 0}, {"b", T_BOLD, 0}, {"blockquote", T_BLOCK | T_CONTAINER, 3},
    {"body", T_BLOCK | T_CONTAINER, 0}, {"caption", T_BLOCK, 0},
    {"center", T_BLOCK | T_CONTAINER, 0}, {"dd", T_BLOCK, -3}, {"details", T_BLOCK, 0},
    {"dialog", T_BLOCK | T_SKIP, 0}, {"dir", T_BLOCK, -3}, {"div", T_BLOCK | T_CONTAINER, 5},
    {"dl", T_BLOCK, -3}, {"dt", T_BLOCK, -3}, {"fieldset", T_BLOCK, 0},
    {"figcaption", T_BLOCK, 0}, {"figure", T_BLOCK, 0}, {"footer", T_BLOCK | T_CHROME, 0},
    {"form", T_BLOCK, -3}, {"h1", T_BLOCK, -5}, {"h2", T_BLOCK, -5}, {"h3", T_BLOCK, -5},
    {"h4", T_BLOCK, -5}, {"h5", T_BLOCK, -5}, {"h6", T_BLOCK, -5},
    /* libxml2 2.9 reads HTML 4: an HTML5 element such as <article> right
     * after <title>, with no <body> tag, stays in the implied <head> */
    {"head", T_BLOCK, 0},
    {"header", T_BLOCK | T_CHROME, 0}, {"hgroup", T_BLOCK, 0}, {"hr", T_BLOCK, 0},
    {"html", T_BLOCK, 0}, {"li", T_BLOCK, -3}, {"main", T_BLOCK | T_CONTAINER | T_ARTICLE, 5},
    {"menu", T_BLOCK | T_CHROME, 0}, {"nav", T_BLOCK | T_CHROME, 0}, {"ol", T_BLOCK, -3},
    {"p", T_BLOCK, 0}, {"pre", T_BLOCK, 3}, {"section", T_BLOCK | T_CONTAINER, 0},
    {"strong", T_BOLD, 0}, {"summary", T_BLOCK, 0}, {"table", T_BLOCK, 0},
    {"tbody", T_BLOCK, 0}, {"td", T_BLOCK | T_CONTAINER, 3}, {"tfoot", T_BLOCK, 0},
    {"th", T_BLOCK, -5}, {"thead", T_BLOCK, 0}, {"tr", T_BLOCK, 0}, {"ul", T_BLOCK, -3},
    /* never text */
    {"applet", T_SKIP, 0}, {"audio", T_SKIP, 0}, {"base", T_SKIP, 0},
    {"button", T_SKIP, 0}, {"canvas", T_SKIP, 0}, {"embed", T_SKIP, 0},
    {"frame", T_SKIP, 0}, {"frameset", T_SKIP, 0},
    {"iframe", T_SKIP, 0}, {"input", T_SKIP, 0}, {"link", T_SKIP, 0}, {"map", T_SKIP, 0},
    {"math", T_SKIP, 0}, {"meta", T_SKIP, 0}, {"noscript", T_SKIP, 0},
    {"object", T_SKIP, 0}, {"option", T_SKIP, 0}, {"script", T_SKIP, 0},
    {"select", T_SKIP, 0}, {"style", T_SKIP, 0}, {"svg", T_SKIP, 0},
    {"template", T_SKIP, 0}, {"textarea", T_SKIP, 0}, {"title", T_SKIP, 0},
    {"video", T_SKIP, 0},
};

/* Words in an element's class or id. A strong one makes it chrome even
 * beside a positive word ("related-content"); a weak one only alone
 * ("main-menu" may hold the article, "menu-left" does not). */
static const char *const strong_negative[] = {
    "breadcrumb", "share", "social", "related", "lienquan", "lien-quan", "lien_quan",
    "tinkhac", "tin-khac", "tin_khac", "othernews", "other-news", "other_news", "comment",
    "footer", "copyright", "pagination", "pager",
};
static const char *const weak_negative[] = {
    "menu", "nav", "header", "sidebar", "banner", "advert", "quangcao", "quang-cao",
    "popup", "search", "timkiem", "widget", "tags", "toolbar", "login", "logo", "hotline",
    "weblink", "lienket", "lien-ket", "sitemap", "cookie", "rating", "print",
};
static const char *const positive[] = {
    "article", "content", "noidung", "noi-dung", "noi_dung", "detail", "chitiet",
    "chi-tiet", "chi_tiet", "entry", "main", "post", "story", "body", "text", "baiviet",
    "bai-viet",
};
/* Words of a class that marks a date or an author element. */
static const char *const date_words[] = {"date", "time", "ngay", "publish", "created"};
static const char *const author_words[] = {"author", "tacgia", "tac-gia", "byline"};

static const struct tag *find_tag(const xmlNode *n)
{
    for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++)
        if (strcmp((const char *)n->name, tags[i].name) == 0)
            return &tags[i];
    return NULL;
}

static unsigned tag_flags(const struct tag *t)
{
    return t != NULL ? t->flags : 0;
}

static int is_tag(const xmlNode *n, const char *name)
{
    return n != NULL && n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* The value of attribute name of element n (borrowed: the HTML parser
 * stores a value as one text node), "" for an attribute without a
 * value, or NULL when it is absent. */
static const char *attr(const xmlNode *n, const char *name)
{
    for (const xmlAttr *a = n->properties; a != NULL; a = a->next) {
        if (a->name == NULL || strcasecmp((const char *)a->name, name) != 0)
            continue;
        if (a->children != NULL && a->children->type == XML_TEXT_NODE
            && a->children->content != NULL)
            return (const char *)a->children->content;
        return "";
    }
    return NULL;
}

/* class and id of n, lower case, into out[cap]. */
static void class_id(const xmlNode *n, char *out, size_t cap)
{
    const char *parts[2] = {attr(n, "class"), attr(n, "id")};
    size_t k = 0;
    for (size_t p = 0; p < 2; p++) {
        for (const char *s = parts[p]; s != NULL && *s != '\0' && k + 2 < cap; s++)
            out[k++] = (char)(*s >= 'A' && *s <= 'Z' ? *s + 32 : *s);
        if (k + 2 < cap)
            out[k++] = ' ';
    }
    out[k] = '\0';
}

static int has_word(const char *s, const char *const *words, size_t nwords)
{
    for (size_t i = 0; i < nwords; i++)
        if (strstr(s, words[i]) != NULL)
            return 1;
    return 0;
}

#define HAS(s, list) has_word((s), (list), sizeof(list) / sizeof(list)[0])

/* Whether the lower-case text s holds the CSS declaration prop: value,
 * blanks ignored ("display: none"). */
static int css_has(const char *style, const char *decl)
{
    char flat[256];
    size_t k = 0;
    for (const char *s = style; s != NULL && *s != '\0' && k + 1 < sizeof flat; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            flat[k++] = (char)(*s >= 'A' && *s <= 'Z' ? *s + 32 : *s);
    flat[k] = '\0';
    return strstr(flat, decl) != NULL;
}

static int is_hidden(const xmlNode *n)
{
    const char *style = attr(n, "style"), *aria = attr(n, "aria-hidden");
    return attr(n, "hidden") != NULL || (aria != NULL && strcmp(aria, "true") == 0)
           || css_has(style, "display:none") || css_has(style, "visibility:hidden");
}

static int is_right_aligned(const xmlNode *n)
{
    const char *align = attr(n, "align");
    return (align != NULL && strcasecmp(align, "right") == 0)
           || css_has(attr(n, "style"), "text-align:right");
}

static int is_bold_el(const xmlNode *n, const struct tag *t)
{
    const char *style = attr(n, "style");
    return (tag_flags(t) & T_BOLD) || css_has(style, "font-weight:bold")
           || css_has(style, "font-weight:700");
}

/* ---- text ------------------------------------------------------------- */

static int is_blank(UChar32 c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0xA0
           || (c > 0x7F && u_isUWhiteSpace(c));
}

/* Characters dropped from text: zero-width space and joiners, BOM,
 * soft hyphen. */
static int is_invisible(UChar32 c)
{
    return c == 0xAD || (c >= 0x200B && c <= 0x200D) || c == 0xFEFF;
}

/* Appends text with blank runs collapsed to one space. */
typedef struct line {
    vn_buf *b;
    size_t start;   /* where this line began in b */
    int space;      /* a blank is pending */
} line;

static void line_add(line *ln, const char *s, size_t n, int *rc)
{
    size_t i = 0;
    while (i < n && *rc == VN_OK) {
        size_t at = i;
        UChar32 c;
        U8_NEXT(s, i, n, c);
        if (c < 0 || is_invisible(c))
            continue;
        if (is_blank(c)) {
            ln->space = ln->b->len > ln->start;
            continue;
        }
        if (ln->space)
            vn_buf_add_rc(ln->b, " ", 1, rc);
        ln->space = 0;
        vn_buf_add_rc(ln->b, s + at, i - at, rc);
    }
}

/* Visible code points and commas in n bytes at s: not blanks, nor
 * characters that show nothing (vn_extract_invisible), such as bidi
 * marks, which line_add keeps. */
static size_t count_text(const char *s, size_t n, size_t *commas)
{
    size_t cps = 0, i = 0;
    *commas = 0;
    while (i < n) {
        UChar32 c;
        U8_NEXT(s, i, n, c);
        if (c < 0 || vn_extract_invisible((unsigned)c))
            continue;
        cps++;
        *commas += c == ',' || c == 0xFF0C || c == 0x060C;
    }
    return cps;
}

/* The next node after n in document order within root; descend: enter
 * n's children. */
static xmlNode *next_node(xmlNode *n, const xmlNode *root, int descend)
{
    if (descend && n->children != NULL && n->type != XML_ATTRIBUTE_NODE)
        return n->children;
    while (n != NULL && n != root) {
        if (n->next != NULL)
            return n->next;
        n = n->parent;
    }
    return NULL;
}

/* The text of n's subtree on one line, blanks collapsed, without
 * scripts and styles, into out (reset first). */
static int flat_text(xmlNode *root, vn_buf *out)
{
    int rc = VN_OK;
    line ln = {out, 0, 0};
    vn_buf_reset(out);
    rc = vn_buf_reserve(out, 0);
    for (xmlNode *n = root; n != NULL && rc == VN_OK;) {
        int into = 1;
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            if (n->content != NULL)
                line_add(&ln, (const char *)n->content, strlen((const char *)n->content), &rc);
        } else if (n->type == XML_ELEMENT_NODE) {
            into = !(tag_flags(find_tag(n)) & T_SKIP) || n == root;
            if (is_tag(n, "br"))
                ln.space = out->len > 0;
        } else {
            into = n == root;
        }
        n = next_node(n, root, into);
    }
    return rc;
}

/* The same for an attribute value. */
static int flat_value(const char *s, vn_buf *out)
{
    int rc = VN_OK;
    line ln = {out, 0, 0};
    vn_buf_reset(out);
    rc = vn_buf_reserve(out, 0);
    if (s != NULL)
        line_add(&ln, s, strlen(s), &rc);
    return rc;
}

/* Whether a[0..na) and b[0..nb) are the same ignoring case. */
static int ci_same(const char *a, size_t na, const char *b, size_t nb)
{
    size_t i = 0, j = 0;
    while (i < na && j < nb) {
        UChar32 x, y;
        U8_NEXT(a, i, na, x);
        U8_NEXT(b, j, nb, y);
        if (u_foldCase(x, U_FOLD_CASE_DEFAULT) != u_foldCase(y, U_FOLD_CASE_DEFAULT))
            return 0;
    }
    return i == na && j == nb;
}

/* ---- the page ---------------------------------------------------------- */

typedef struct info {
    xmlNode *node;
    const struct tag *tag;  /* NULL: an inline or unknown element */
    size_t parent;          /* index of the parent element, or NONE */
    size_t end;             /* one past the index of the last descendant */
    size_t text, link;      /* visible code points in the subtree, in links */
    size_t own, commas;     /* not under a nested block; its commas */
    double score;
    double weight;          /* class weight: +-CLASS_WEIGHT or 0 */
    unsigned self_chrome : 1; /* this element is chrome (or skipped) */
    unsigned chrome : 1;    /* it or an ancestor is */
    unsigned skip : 1;      /* it or an ancestor is never text */
    unsigned in_article : 1;
    unsigned meta : 1;      /* an author or date element: not body text */
} info;

/* A paragraph of the rendered body, in page->out. */
typedef struct para {
    size_t off, len;
    size_t bold, link, total; /* visible code points in bold, in links, in all */
    int right;              /* right-aligned */
} para;

typedef struct page {
    xmlDoc *doc;
    info *v;
    size_t n;
    size_t *roots;          /* article elements, in page order */
    size_t nroots;
    /* meta data, borrowed from the document */
    const char *og_title, *og_url, *og_site, *canonical, *meta_author;
    const char *published;  /* the best dated meta tag's content */
    int published_rank;
    xmlNode *title_el;
    /* the rendered body */
    vn_buf out;
    para *para;
    size_t npara, cap;
    para cur;
    line ln;
    vn_buf tmp;
} page;

/* Meta tags that date an article, best first. */
static const char *const date_metas[] = {
    "article:published_time", "og:published_time", "datepublished", "article:published",
    "pubdate", "publishdate", "publish-date", "dc.date.issued", "dc.date", "dcterms.created",
    "date", "article:modified_time", "datemodified",
};

static info *info_of(const xmlNode *n)
{
    return n != NULL && n->type == XML_ELEMENT_NODE ? n->_private : NULL;
}

/* find_tag, remembered by index_elements: the walks up from every text
 * would otherwise scan the tag table at each step. */
static const struct tag *tag_of(const xmlNode *n)
{
    const info *e = info_of(n);
    return e != NULL ? e->tag : find_tag(n);
}

/* Number the elements in document order. */
static int index_elements(page *pg, vn_err *err)
{
    size_t count = 0, k = 0;
    xmlNode *root = (xmlNode *)pg->doc;
    for (xmlNode *n = root; n != NULL; n = next_node(n, root, 1))
        count += n->type == XML_ELEMENT_NODE;
    pg->v = calloc(count + 1, sizeof *pg->v);
    if (pg->v == NULL)
        return vn_err_set(err, VN_ENOMEM, "out of memory reading a page");
    for (xmlNode *n = root; n != NULL; n = next_node(n, root, 1)) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        info *e = &pg->v[k];
        const info *p = info_of(n->parent);
        e->node = n;
        e->tag = find_tag(n);
        e->parent = p != NULL ? (size_t)(p - pg->v) : NONE;
        e->end = k + 1;
        n->_private = e;
        k++;
    }
    pg->n = k;
    return VN_OK;
}

/* Chrome, hidden and skipped elements; a parent comes before its
 * children, so what they inherit is known. */
static void mark_chrome(page *pg, size_t i)
{
    info *e = &pg->v[i];
    const info *p = e->parent != NONE ? &pg->v[e->parent] : NULL;
    unsigned f = tag_flags(e->tag);
    char cls[200];
    class_id(e->node, cls, sizeof cls);
    int strong = HAS(cls, strong_negative), weak = HAS(cls, weak_negative);
    int pos = HAS(cls, positive), root = is_tag(e->node, "html") || is_tag(e->node, "body");
    e->weight = root ? 0 : CLASS_WEIGHT * (pos - (strong || weak));
    e->in_article = (p != NULL && p->in_article) || (f & T_ARTICLE);
    e->skip = (p != NULL && p->skip) || (f & T_SKIP);
    e->self_chrome = (f & T_SKIP) || is_hidden(e->node)
                     || ((f & T_CHROME) && !(is_tag(e->node, "header") && e->in_article))
                     || (!root && (strong || (weak && !pos)));
    e->chrome = e->self_chrome || (p != NULL && p->chrome);
}

/* Remember what the meta tags, <link rel=canonical> and <title> say. */
static void collect_meta(page *pg, const info *e)
{
    const xmlNode *n = e->node;
    if (is_tag(n, "title") && pg->title_el == NULL)
        pg->title_el = e->node;
    if (is_tag(n, "link")) {
        const char *rel = attr(n, "rel");
        if (rel != NULL && strcasecmp(rel, "canonical") == 0 && pg->canonical == NULL)
            pg->canonical = attr(n, "href");
        return;
    }
    if (!is_tag(n, "meta"))
        return;
    const char *key = attr(n, "property"), *content = attr(n, "content");
    if (key == NULL)
        key = attr(n, "name");
    if (key == NULL)
        key = attr(n, "itemprop");
    if (key == NULL || content == NULL || content[0] == '\0')
        return;
    if (strcasecmp(key, "og:title") == 0 && pg->og_title == NULL)
        pg->og_title = content;
    else if (strcasecmp(key, "og:url") == 0 && pg->og_url == NULL)
        pg->og_url = content;
    else if (strcasecmp(key, "og:site_name") == 0 && pg->og_site == NULL)
        pg->og_site = content;
    else if ((strcasecmp(key, "author") == 0 || strcasecmp(key, "article:author") == 0
              || strcasecmp(key, "dc.creator") == 0)
             && pg->meta_author == NULL && strncasecmp(content, "http", 4) != 0
             && strlen(content) <= META_TEXT_MAX)
        pg->meta_author = content;
    for (size_t i = 0; i < sizeof date_metas / sizeof date_metas[0]; i++)
        if (strcasecmp(key, date_metas[i]) == 0 && (pg->published == NULL || (int)i < pg->published_rank)) {
            pg->published = content;
            pg->published_rank = (int)i;
        }
}

/* Text sums, bottom up: children come after their parent, so a reverse
 * walk finishes each child before adding it to its parent. */
static void sum_text(page *pg)
{
    for (size_t i = 0; i < pg->n; i++) {
        info *e = &pg->v[i];
        if (e->chrome)
            continue;
        for (xmlNode *c = e->node->children; c != NULL; c = c->next) {
            size_t commas, k;
            if ((c->type != XML_TEXT_NODE && c->type != XML_CDATA_SECTION_NODE) || c->content == NULL)
                continue;
            k = count_text((const char *)c->content, strlen((const char *)c->content), &commas);
            e->text += k;
            e->own += k;
            e->commas += commas;
        }
    }
    for (size_t i = pg->n; i-- > 0;) {
        info *e = &pg->v[i];
        if (is_tag(e->node, "a") && attr(e->node, "href") != NULL)
            e->link = e->text;
        if (e->parent == NONE)
            continue;
        info *p = &pg->v[e->parent];
        if (p->end < e->end)
            p->end = e->end;
        if (e->chrome)
            continue;
        p->text += e->text;
        p->link += e->link;
        if (!(tag_flags(e->tag) & T_BLOCK)) {
            p->own += e->own;
            p->commas += e->commas;
        }
    }
}

static double link_density(const info *e)
{
    return e->text > 0 ? (double)e->link / (double)e->text : 0.0;
}

/* Points for each block with text of its own. */
static void score_blocks(page *pg)
{
    static const double share[] = {1.0, 2.0, 6.0}; /* parent, grandparent, beyond */
    for (size_t i = 0; i < pg->n; i++) {
        info *e = &pg->v[i];
        if (e->chrome || !(tag_flags(e->tag) & T_BLOCK) || e->own < MIN_PARA)
            continue;
        double pts = 1.0 + (double)e->commas + (double)(e->own / 100 < 3 ? e->own / 100 : 3);
        if (tag_flags(e->tag) & T_CONTAINER)
            e->score += pts;
        size_t p = e->parent;
        for (size_t lvl = 0; lvl < 3 && p != NONE; lvl++, p = pg->v[p].parent)
            pg->v[p].score += pts / share[lvl];
    }
}

static double final_score(const info *e)
{
    double s = e->score + (e->tag != NULL ? e->tag->weight : 0.0) + e->weight;
    return s * (1.0 - link_density(e));
}

static int add_root(page *pg, size_t i)
{
    size_t *p = realloc(pg->roots, (pg->nroots + 1) * sizeof *p);
    if (p == NULL)
        return VN_ENOMEM;
    pg->roots = p;
    pg->roots[pg->nroots++] = i;
    return VN_OK;
}

/* The <body>, or the first element when there is none. */
static size_t body_index(const page *pg)
{
    for (size_t i = 0; i < pg->n; i++)
        if (is_tag(pg->v[i].node, "body"))
            return i;
    return 0;
}

/* Whether sibling s of the best candidate (scoring top) is article text
 * too. */
static int sibling_fits(const info *s, double top)
{
    double limit = top * 0.2 > 10.0 ? top * 0.2 : 10.0;
    if (s->chrome)
        return 0;
    if (s->score > 0 && final_score(s) >= limit)
        return 1;
    if (s->text >= SIBLING_TEXT && link_density(s) < 0.25)
        return 1;
    return is_tag(s->node, "p") && s->own >= MIN_PARA && s->link == 0;
}

/* The element after the last root, when it is a byline: short lines
 * score nothing, yet a stray closing tag can leave the author's line
 * outside the article's element. */
static int add_byline_sibling(page *pg)
{
    size_t off, len;
    xmlNode *n = pg->v[pg->roots[pg->nroots - 1]].node->next;
    while (n != NULL && n->type != XML_ELEMENT_NODE)
        n = n->next;
    const info *e = info_of(n);
    if (e == NULL || e->chrome || e->link > 0 || e->text > META_TEXT_MAX
        || flat_text(n, &pg->tmp) != VN_OK)
        return VN_OK;
    if (!vn_extract_byline(pg->tmp.data, pg->tmp.len, &off, &len))
        return VN_OK;
    return add_root(pg, (size_t)(e - pg->v));
}

/* The best-scoring candidate and its fitting siblings, in page order. */
static int choose_roots(page *pg)
{
    size_t best = NONE;
    double top = 0.0;
    for (size_t i = 0; i < pg->n; i++) {
        const info *e = &pg->v[i];
        if (e->chrome || e->score <= 0.0)
            continue;
        double s = final_score(e);
        if (best == NONE || s > top) {
            best = i;
            top = s;
        }
    }
    if (best == NONE)
        return add_root(pg, body_index(pg));
    const info *b = &pg->v[best];
    if (b->parent == NONE)
        return add_root(pg, best);
    int rc = VN_OK;
    for (xmlNode *c = pg->v[b->parent].node->children; c != NULL && rc == VN_OK; c = c->next) {
        const info *s = info_of(c);
        if (s != NULL && (s == b || sibling_fits(s, top)))
            rc = add_root(pg, (size_t)(s - pg->v));
    }
    return rc == VN_OK ? add_byline_sibling(pg) : rc;
}

/* ---- content selector ---------------------------------------------------- */

enum { SEL_ID, SEL_CLASS, SEL_NAME, SEL_XPATH };

static int selector_kind(const char *sel, const char **name)
{
    *name = sel;
    if (sel[0] == '/' || sel[0] == '(')
        return SEL_XPATH;
    if (sel[0] == '#' || sel[0] == '.') {
        *name = sel + 1;
        return sel[0] == '#' ? SEL_ID : SEL_CLASS;
    }
    return SEL_NAME;
}

static void quiet_xpath(void *ctx, xmlErrorPtr e)
{
    (void)ctx;
    (void)e;
}

/* An XPath context on doc that reports errors to no one. */
static xmlXPathContextPtr xpath_context(xmlDoc *doc)
{
    xmlXPathContextPtr x = xmlXPathNewContext(doc);
    if (x != NULL)
        x->error = quiet_xpath;
    return x;
}

static int bad_xpath(const char *sel, const xmlXPathContext *x, vn_err *err)
{
    return vn_err_set(err, VN_EINVAL, "bad XPath in content selector '%s' (at character %d)",
                      sel, x != NULL ? x->lastError.int1 + 1 : 1);
}

int vn_html_selector_check(const char *sel, vn_err *err)
{
    const char *name;
    if (sel == NULL || sel[0] == '\0')
        return vn_err_set(err, VN_EINVAL, "empty content selector");
    if (selector_kind(sel, &name) != SEL_XPATH) {
        if (name[0] == '\0' || strpbrk(name, " \t\r\n\"'<>[]/") != NULL)
            return vn_err_set(err, VN_EINVAL,
                              "bad content selector '%s': give #id, .class, a name, or an XPath", sel);
        return VN_OK;
    }
    libxml_init();
    xmlXPathContextPtr x = xpath_context(NULL);
    if (x == NULL)
        return vn_err_set(err, VN_ENOMEM, "out of memory checking a content selector");
    xmlXPathCompExprPtr c = xmlXPathCtxtCompile(x, (const xmlChar *)sel);
    int rc = c != NULL ? VN_OK : bad_xpath(sel, x, err);
    xmlXPathFreeCompExpr(c);
    xmlXPathFreeContext(x);
    return rc;
}

/* Whether class list cls holds the word name. */
static int has_class(const char *cls, const char *name)
{
    size_t k = strlen(name);
    for (const char *s = cls; s != NULL && *s != '\0';) {
        while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\f')
            s++;
        size_t w = strcspn(s, " \t\n\r\f");
        if (w == k && strncmp(s, name, k) == 0)
            return 1;
        s += w;
    }
    return 0;
}

/* Mark (score 1) the elements whose id (by_class == 0) or class is
 * name. Returns how many. */
static size_t match_name(page *pg, int by_class, const char *name)
{
    size_t found = 0;
    for (size_t i = 0; i < pg->n; i++) {
        const char *v = attr(pg->v[i].node, by_class ? "class" : "id");
        int hit = v != NULL && (by_class ? has_class(v, name) : strcmp(v, name) == 0);
        pg->v[i].score = hit ? 1.0 : 0.0;
        found += (size_t)hit;
    }
    return found;
}

static int match_xpath(page *pg, const char *sel, size_t *found, vn_err *err)
{
    xmlXPathContextPtr x = xpath_context(pg->doc);
    xmlXPathObjectPtr r = x != NULL ? xmlXPathEvalExpression((const xmlChar *)sel, x) : NULL;
    int rc = VN_OK;
    *found = 0;
    for (size_t i = 0; i < pg->n; i++)
        pg->v[i].score = 0.0;
    if (x == NULL)
        rc = vn_err_set(err, VN_ENOMEM, "out of memory evaluating a content selector");
    else if (r == NULL)
        rc = bad_xpath(sel, x, err);
    else if (r->type != XPATH_NODESET)
        rc = vn_err_set(err, VN_EINVAL, "content selector '%s' does not select elements", sel);
    for (int i = 0; rc == VN_OK && r->nodesetval != NULL && i < r->nodesetval->nodeNr; i++) {
        info *e = info_of(r->nodesetval->nodeTab[i]);
        if (e != NULL && e->score == 0.0) {
            e->score = 1.0;
            (*found)++;
        }
    }
    xmlXPathFreeObject(r);
    xmlXPathFreeContext(x);
    return rc;
}

/* The selected elements that are not inside another one, as roots. */
static int select_roots(page *pg, const char *sel, int *missed, vn_err *err)
{
    const char *name;
    size_t found = 0;
    int kind = selector_kind(sel, &name), rc = VN_OK;
    if (kind == SEL_XPATH)
        rc = match_xpath(pg, sel, &found, err);
    else if ((rc = vn_html_selector_check(sel, err)) == VN_OK) {
        found = kind != SEL_CLASS ? match_name(pg, 0, name) : 0;
        if (found == 0 && kind != SEL_ID)
            found = match_name(pg, 1, name);
    }
    for (size_t i = 0, end = 0; rc == VN_OK && i < pg->n; i++)
        if (pg->v[i].score > 0.0 && i >= end) {
            rc = add_root(pg, i) == VN_OK ? VN_OK : vn_err_set(err, VN_ENOMEM, "out of memory");
            end = pg->v[i].end;
        }
    for (size_t i = 0; i < pg->n; i++)
        pg->v[i].score = 0.0;
    *missed = rc == VN_OK && found == 0;
    return rc;
}

/* ---- rendering ----------------------------------------------------------- */

/* Close the paragraph being written. One that is mostly links (a "Quay
 * lại | Về đầu trang" line, "Xem thêm: ...") is not kept, nor one where
 * nothing shows (only bidi marks, say: its total is 0). */
static void end_para(page *pg, int *rc)
{
    para *p = &pg->cur;
    if ((p->link * 2 > p->total || p->total == 0) && pg->out.len > p->off) {
        pg->out.len = p->off;
        pg->out.data[p->off] = '\0';
    }
    if (*rc == VN_OK && pg->out.len > p->off) {
        para *v = vn_grow(pg->para, &pg->cap, pg->npara + 1, sizeof *v);
        if (v == NULL) {
            *rc = VN_ENOMEM;
            return;
        }
        pg->para = v;
        p->len = pg->out.len - p->off;
        pg->para[pg->npara++] = *p;
    }
    memset(p, 0, sizeof *p);
    p->off = pg->out.len;
    pg->ln.start = pg->out.len;
    pg->ln.space = 0;
}

/* Whether any element from n up to (not past) the block that holds it
 * satisfies test. */
static int up_to_block(const xmlNode *n, int (*test)(const xmlNode *))
{
    for (int k = 0; k < UP_MAX && n != NULL && n->type == XML_ELEMENT_NODE; k++, n = n->parent) {
        if (test(n))
            return 1;
        if (tag_flags(tag_of(n)) & T_BLOCK)
            break;
    }
    return 0;
}

static int bold_test(const xmlNode *n)
{
    return is_bold_el(n, tag_of(n));
}

static int link_test(const xmlNode *n)
{
    return is_tag(n, "a") && attr(n, "href") != NULL;
}

/* Whether the text's block or one of its two ancestors is right-aligned. */
static int right_test(const xmlNode *n)
{
    for (int k = 0; k < 4 && n != NULL && n->type == XML_ELEMENT_NODE; k++, n = n->parent)
        if (is_right_aligned(n))
            return 1;
    return 0;
}

static void add_text(page *pg, const xmlNode *t, int *rc)
{
    size_t commas, k;
    const char *s = (const char *)t->content;
    if (s == NULL || (k = count_text(s, strlen(s), &commas)) == 0) {
        if (s != NULL)
            line_add(&pg->ln, s, strlen(s), rc); /* a blank between words */
        return;
    }
    if (pg->cur.total == 0) {
        const xmlNode *b = t->parent;
        for (int up = 0; up < UP_MAX && b != NULL && b->type == XML_ELEMENT_NODE
                         && !(tag_flags(tag_of(b)) & T_BLOCK); up++)
            b = b->parent;
        pg->cur.right = b != NULL && b->type == XML_ELEMENT_NODE && right_test(b);
    }
    pg->cur.total += k;
    if (up_to_block(t->parent, bold_test))
        pg->cur.bold += k;
    if (up_to_block(t->parent, link_test))
        pg->cur.link += k;
    line_add(&pg->ln, s, strlen(s), rc);
}

/* On entering n: whether to go into its children. */
static int enter(page *pg, xmlNode *n, const xmlNode *root, int *rc)
{
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
        add_text(pg, n, rc);
        return 0;
    }
    const info *e = info_of(n);
    if (e == NULL)
        return 0;
    if (is_tag(n, "br") || is_tag(n, "img")) {
        if (is_tag(n, "br"))
            end_para(pg, rc);
        return 0;
    }
    unsigned f = tag_flags(e->tag);
    if (f & T_BLOCK)
        end_para(pg, rc);
    if (n == root)
        return 1;
    if (e->self_chrome || e->meta)
        return 0;
    return !((f & T_BLOCK) && e->text > 0 && e->link * 2 > e->text);
}

static int render(page *pg, vn_err *err)
{
    int rc = VN_OK;
    pg->ln = (line){&pg->out, 0, 0};
    end_para(pg, &rc);
    for (size_t r = 0; r < pg->nroots && rc == VN_OK; r++) {
        xmlNode *root = pg->v[pg->roots[r]].node;
        for (xmlNode *n = root; n != NULL && rc == VN_OK;) {
            int into = enter(pg, n, root, &rc);
            if (into && n->children != NULL) {
                n = n->children;
                continue;
            }
            while (n != NULL) { /* leave n, and its parents that have no next */
                if (n->type == XML_ELEMENT_NODE && (tag_flags(tag_of(n)) & T_BLOCK))
                    end_para(pg, &rc);
                if (n == root) {
                    n = NULL;
                } else if (n->next != NULL) {
                    n = n->next;
                    break;
                } else {
                    n = n->parent;
                }
            }
        }
        end_para(pg, &rc);
    }
    return rc == VN_OK ? VN_OK : vn_err_set(err, VN_ENOMEM, "out of memory rendering a page");
}

/* ---- fields -------------------------------------------------------------- */

typedef struct text {
    const char *p;
    size_t n;
} text;

static text para_text(const page *pg, size_t i)
{
    return (text){pg->out.data + pg->para[i].off, pg->para[i].len};
}

static void drop_para(page *pg, size_t i)
{
    memmove(pg->para + i, pg->para + i + 1, (pg->npara - i - 1) * sizeof *pg->para);
    pg->npara--;
}

/* A NUL-terminated copy (OUT: caller frees), or NULL. */
static char *dup_text(text t)
{
    return strndup(t.p, t.n);
}

/* Words that may stand beside a date in a dateline. */
static const char *const dateline_words[] = {
    "ngày", "đăng", "cập", "nhật", "lúc", "thứ", "hai", "ba", "tư", "năm", "sáu", "bảy",
    "chủ", "tháng", "giờ", "sáng", "chiều", "tối", "gmt", "gmt+7", "gmt+07", "am", "pm",
    "posted", "updated", "published",
};

/* Whether t is a date and a time with nothing but dateline words. */
static int is_dateline(text t)
{
    char date[11];
    if (t.n > META_TEXT_MAX || !vn_extract_date(t.p, t.n, date))
        return 0;
    for (size_t i = 0; i < t.n;) {
        size_t w = strcspn(t.p + i, " ,;|()[]");
        if (w > t.n - i)
            w = t.n - i;
        text tok = {t.p + i, w};
        while (tok.n > 0 && strchr(":-.", tok.p[tok.n - 1]))
            tok.n--;
        int ok = tok.n == 0 || strspn(tok.p, "0123456789/-.:+hH") >= tok.n;
        for (size_t k = 0; !ok && k < sizeof dateline_words / sizeof dateline_words[0]; k++)
            ok = ci_same(tok.p, tok.n, dateline_words[k], strlen(dateline_words[k]));
        if (!ok)
            return 0;
        i += w + 1;
    }
    return 1;
}

/* t without a site-name suffix: the part after the last " | ", or after
 * the last dash when that part is the site's name, or (any set) short
 * and capitalised with a title of two words or more before it. */
static text strip_site(text t, const char *site, int any)
{
    static const char *const seps[] = {" | ", " :: ", " - ", " – ", " — ", " » "};
    size_t best = 0, sep = 0;
    for (size_t i = 0; i < sizeof seps / sizeof seps[0]; i++) {
        size_t k = strlen(seps[i]);
        for (size_t at = 1; at + k <= t.n; at++)
            if (memcmp(t.p + at, seps[i], k) == 0 && at > best) {
                best = at;
                sep = i;
            }
    }
    if (best == 0)
        return t;
    text head = {t.p, best}, tail = {t.p + best + strlen(seps[sep]), t.n - best - strlen(seps[sep])};
    if (site != NULL && ci_same(tail.p, tail.n, site, strlen(site)))
        return head;
    if (!any || tail.n == 0)
        return t;
    if (sep < 2)
        return head;
    UChar32 c;
    size_t i = 0, words = 1;
    U8_NEXT(tail.p, i, tail.n, c);
    for (size_t k = 0; k < tail.n; k++)
        words += tail.p[k] == ' ';
    if (tail.n <= SITE_SUFFIX_MAX && words <= 8 && c >= 0 && u_isupper(c)
        && memchr(head.p, ' ', head.n) != NULL)
        return head;
    return t;
}

/* The article's <h1>: the first inside the article, else the last
 * before it, else the first after it; not in chrome (a logo's <h1> sits
 * in the site's header, which is chrome; an <article>'s own <header> is
 * not), not the site's name. OUT: its text, in pg->tmp. */
static int find_h1(page *pg, text *out)
{
    size_t start = pg->roots[0], end = pg->v[pg->roots[pg->nroots - 1]].end;
    size_t before = NONE, inside = NONE, after = NONE;
    for (size_t i = 0; i < pg->n; i++) {
        const info *e = &pg->v[i];
        if (!is_tag(e->node, "h1") || e->chrome)
            continue;
        if (flat_text(e->node, &pg->tmp) != VN_OK || !vn_extract_visible(pg->tmp.data, pg->tmp.len))
            continue;
        if (pg->og_site != NULL && ci_same(pg->tmp.data, pg->tmp.len, pg->og_site, strlen(pg->og_site)))
            continue;
        if (i < start)
            before = i;
        else if (i < end && inside == NONE)
            inside = i;
        else if (i >= end && after == NONE)
            after = i;
    }
    size_t pick = inside != NONE ? inside : before != NONE ? before : after;
    if (pick == NONE || flat_text(pg->v[pick].node, &pg->tmp) != VN_OK)
        return 0;
    *out = (text){pg->tmp.data, pg->tmp.len};
    return 1;
}

/* Whether pg->tmp holds a character that shows. */
static int tmp_visible(const page *pg)
{
    return vn_extract_visible(pg->tmp.data, pg->tmp.len);
}

/* The title, as a malloc'd string in *title, or NULL when none (a
 * candidate where nothing shows is none). */
static int find_title(page *pg, char **title)
{
    text t = {NULL, 0};
    *title = NULL;
    if (pg->og_title != NULL && flat_value(pg->og_title, &pg->tmp) == VN_OK && tmp_visible(pg))
        t = strip_site((text){pg->tmp.data, pg->tmp.len}, pg->og_site, 0);
    else if (find_h1(pg, &t))
        ;
    else if (pg->title_el != NULL && flat_text(pg->title_el, &pg->tmp) == VN_OK && tmp_visible(pg))
        t = strip_site((text){pg->tmp.data, pg->tmp.len}, pg->og_site, 1);
    if (t.n == 0 || !vn_extract_visible(t.p, t.n))
        return VN_OK;
    t.n = vn_extract_title_len(t.p, t.n);
    *title = dup_text(t);
    return *title != NULL ? VN_OK : VN_ENOMEM;
}

/* An absolute http(s) URL: canonical, resolved against og:url when
 * relative, else og:url. */
static int find_url(page *pg, char **url)
{
    const char *cands[2] = {pg->canonical, pg->og_url};
    int rc = VN_OK;
    *url = NULL;
    for (size_t i = 0; i < 2 && *url == NULL && rc == VN_OK; i++) {
        if (cands[i] == NULL || flat_value(cands[i], &pg->tmp) != VN_OK || pg->tmp.len == 0)
            continue;
        xmlChar *abs = pg->og_url != NULL
                           ? xmlBuildURI((const xmlChar *)pg->tmp.data, (const xmlChar *)pg->og_url)
                           : NULL;
        const char *u = abs != NULL ? (const char *)abs : pg->tmp.data;
        int web = strncasecmp(u, "http://", 7) == 0 || strncasecmp(u, "https://", 8) == 0;
        if (web && (*url = strdup(u)) == NULL)
            rc = VN_ENOMEM;
        xmlFree(abs);
    }
    return rc;
}

/* Elements whose class names a date or an author, with a short text:
 * kept out of the body. OUT: the date of the one nearest the article
 * (the first inside, else the last before), and the first author. */
static int find_meta_elements(page *pg, char date[11], char **author)
{
    size_t start = pg->roots[0], end = pg->v[pg->roots[pg->nroots - 1]].end;
    char cls[200], d[11], before[11] = "", inside[11] = "", after[11] = "";
    *author = NULL;
    for (size_t i = 0; i < pg->n; i++) {
        info *e = &pg->v[i];
        if (e->chrome || e->skip || e->text > META_TEXT_MAX)
            continue;
        class_id(e->node, cls, sizeof cls);
        const char *prop = attr(e->node, "itemprop"), *rel = attr(e->node, "rel");
        int is_author = HAS(cls, author_words) || (prop != NULL && strcasecmp(prop, "author") == 0)
                        || (rel != NULL && strcasecmp(rel, "author") == 0);
        int is_date = HAS(cls, date_words) || is_tag(e->node, "time");
        if (!is_author && !is_date)
            continue;
        if (flat_text(e->node, &pg->tmp) != VN_OK)
            return VN_ENOMEM;
        if (!tmp_visible(pg) || pg->tmp.len > META_TEXT_MAX)
            continue;
        if (is_tag(e->node, "time") && attr(e->node, "datetime") != NULL)
            e->meta = 1; /* "31/12", "2 giờ trước": find_meta_date reads it */
        if (is_date && vn_extract_date(pg->tmp.data, pg->tmp.len, d)) {
            e->meta = 1;
            char *slot = i < start ? before : i < end ? inside : after;
            if (slot == before || slot[0] == '\0')
                memcpy(slot, d, sizeof d);
        } else if (is_author && !is_date) {
            size_t off, len;
            e->meta = 1;
            if (*author != NULL)
                continue;
            if (vn_extract_byline(pg->tmp.data, pg->tmp.len, &off, &len))
                *author = dup_text((text){pg->tmp.data + off, len});
            else
                *author = dup_text((text){pg->tmp.data, pg->tmp.len});
            if (*author == NULL)
                return VN_ENOMEM;
        }
    }
    memcpy(date, inside[0] ? inside : before[0] ? before : after, 11);
    return VN_OK;
}

/* The date from the meta tags or <time datetime>. */
static void find_meta_date(page *pg, char date[11])
{
    date[0] = '\0';
    if (pg->published != NULL) {
        size_t n = strlen(pg->published);
        const char *s = pg->published;
        while (n > 0 && (*s == ' ' || *s == '\t')) {
            s++;
            n--;
        }
        if (vn_extract_iso_date(s, n, date) || vn_extract_date(s, n, date))
            return;
    }
    for (size_t i = 0; i < pg->n; i++) {
        const char *dt;
        if (is_tag(pg->v[i].node, "time") && !pg->v[i].chrome
            && (dt = attr(pg->v[i].node, "datetime")) != NULL
            && vn_extract_iso_date(dt, strlen(dt), date))
            return;
    }
}

/* Take chrome lines, datelines (near either end) and the repeated
 * title (near the top) out of the paragraphs. OUT: date from a dateline,
 * when date is still "". */
static void clean_paras(page *pg, const char *title, char date[11])
{
    size_t k = 0, n = pg->npara;
    for (size_t i = 0; i < n; i++) {
        text t = para_text(pg, i);
        int top = k < EDGE_PARAS, edge = top || i + EDGE_PARAS >= n;
        if (vn_extract_chrome_line(t.p, t.n))
            continue;
        if (edge && is_dateline(t)) {
            if (date[0] == '\0')
                vn_extract_date(t.p, t.n, date);
            continue;
        }
        if (top && title != NULL && ci_same(t.p, t.n, title, strlen(title)))
            continue;
        pg->para[k++] = pg->para[i];
    }
    pg->npara = k;
}

/* The byline as the last paragraph: when author is known, a last line
 * naming it goes; else a bold or right-aligned (or credited) byline
 * becomes the author. */
static int take_byline(page *pg, char **author)
{
    size_t off, len;
    if (pg->npara == 0)
        return VN_OK;
    const para *p = &pg->para[pg->npara - 1];
    text t = para_text(pg, pg->npara - 1);
    if (!vn_extract_byline(t.p, t.n, &off, &len))
        return VN_OK;
    if (*author != NULL) {
        if (ci_same(t.p + off, len, *author, strlen(*author)) || ci_same(t.p, t.n, *author, strlen(*author)))
            drop_para(pg, pg->npara - 1);
        return VN_OK;
    }
    if (!(p->right || (p->total > 0 && p->bold * 2 > p->total) || off > 0 || len < t.n))
        return VN_OK;
    *author = dup_text((text){t.p + off, len});
    drop_para(pg, pg->npara - 1);
    return *author != NULL ? VN_OK : VN_ENOMEM;
}

static int join_paras(page *pg, vn_article *art)
{
    vn_buf b = VN_BUF_INIT;
    int rc = VN_OK;
    for (size_t i = 0; i < pg->npara; i++) {
        text t = para_text(pg, i);
        if (i > 0)
            vn_buf_add_rc(&b, "\n\n", 2, &rc);
        vn_buf_add_rc(&b, t.p, t.n, &rc);
    }
    if (rc == VN_OK)
        rc = vn_buf_take(&b, &art->body, &art->body_len);
    vn_buf_free(&b);
    return rc;
}

static int fill_fields(page *pg, vn_article *art, vn_err *err)
{
    char date[11] = "", el_date[11] = "";
    char *el_author = NULL;
    int rc = find_title(pg, &art->title);
    if (rc == VN_OK)
        rc = find_url(pg, &art->url);
    if (rc == VN_OK)
        rc = find_meta_elements(pg, el_date, &el_author);
    find_meta_date(pg, date);
    if (date[0] == '\0')
        memcpy(date, el_date, sizeof date);
    if (rc == VN_OK && pg->meta_author != NULL && flat_value(pg->meta_author, &pg->tmp) == VN_OK
        && tmp_visible(pg)) {
        art->author = dup_text((text){pg->tmp.data, pg->tmp.len});
        rc = art->author != NULL ? VN_OK : VN_ENOMEM;
    }
    if (rc == VN_OK && art->author == NULL) {
        art->author = el_author;
        el_author = NULL;
    }
    free(el_author);
    if (rc == VN_OK)
        rc = render(pg, err);
    if (rc == VN_OK) {
        clean_paras(pg, art->title, date);
        rc = take_byline(pg, &art->author);
    }
    if (rc == VN_OK && art->title == NULL && pg->npara > 0) { /* the first line, as in a .txt */
        text t = para_text(pg, 0);
        size_t k = vn_extract_title_len(t.p, t.n);
        art->title = dup_text((text){t.p, k});
        if (k == t.n) /* a longer one stays whole in the body */
            drop_para(pg, 0);
        rc = art->title != NULL ? VN_OK : VN_ENOMEM;
    }
    if (rc == VN_OK && art->title == NULL)
        return vn_err_set(err, VN_EINVAL, "empty page: no title and no text");
    if (rc == VN_OK)
        rc = join_paras(pg, art);
    if (rc == VN_OK && date[0] == '\0')
        vn_extract_article_date(art->title, strlen(art->title), art->body, art->body_len, date);
    if (rc == VN_OK && date[0] != '\0' && (art->date = dup_text((text){date, 10})) == NULL)
        rc = VN_ENOMEM;
    if (rc == VN_ENOMEM)
        vn_err_set(err, rc, "out of memory extracting a page");
    return rc;
}

/* ---- the whole ------------------------------------------------------------ */

int vn_html_path(const char *path)
{
    size_t n = path != NULL ? strlen(path) : 0;
    return (n > 5 && strcasecmp(path + n - 5, ".html") == 0)
           || (n > 4 && strcasecmp(path + n - 4, ".htm") == 0);
}

/* Whether s[i..n) starts with word (lower case), ignoring ASCII case. */
static int starts_ci(const char *s, size_t i, size_t n, const char *word)
{
    size_t k = strlen(word);
    return n - i >= k && strncasecmp(s + i, word, k) == 0;
}

/* Offset of the first end (a string) in s[i..n), past it; n when none. */
static size_t past(const char *s, size_t i, size_t n, const char *end)
{
    size_t k = strlen(end);
    for (; i + k <= n; i++)
        if (memcmp(s + i, end, k) == 0)
            return i + k;
    return n;
}

/* libxml2's HTML parser ends a DOCTYPE at its first '>': the declarations
 * of an internal subset (<!DOCTYPE html [ <!ENTITY e "..."> ]>) would
 * become body text, or the title. Where the page's DOCTYPE (after blanks,
 * <?xml ...?> and comments) has one: OUT: s[*from, *to) is the subset,
 * '[' to ']', quoted strings and comments read as such; both 0 when there
 * is none, or it never closes. */
static void find_subset(const char *s, size_t n, size_t *from, size_t *to)
{
    size_t i = 0;
    *from = *to = 0;
    for (;;) {
        while (i < n && strchr(" \t\r\n\f", s[i]) != NULL && s[i] != '\0')
            i++;
        if (starts_ci(s, i, n, "<?"))
            i = past(s, i, n, "?>");
        else if (starts_ci(s, i, n, "<!--"))
            i = past(s, i + 4, n, "-->");
        else
            break;
    }
    if (!starts_ci(s, i, n, "<!doctype"))
        return;
    char quote = 0;
    size_t open = 0;
    for (i += 9; i < n; i++) {
        char c = s[i];
        if (quote != 0) {
            quote = c == quote ? 0 : quote;
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (open == 0 && c == '>') {
            return; /* no subset */
        } else if (open == 0 && c == '[') {
            open = i;
        } else if (open != 0 && starts_ci(s, i, n, "<!--")) {
            i = past(s, i + 4, n, "-->") - 1;
        } else if (open != 0 && c == ']') {
            *from = open;
            *to = i + 1;
            return;
        }
    }
}

/* src[0..n), or a copy into buf without the DOCTYPE's internal subset.
 * OUT: *out, *nout (borrowed from src or buf). */
static int without_subset(const char *src, size_t n, vn_buf *buf, const char **out,
                          size_t *nout)
{
    size_t from, to;
    *out = src;
    *nout = n;
    find_subset(src, n, &from, &to);
    if (to == 0)
        return VN_OK;
    int rc = VN_OK;
    vn_buf_add_rc(buf, src, from, &rc);
    vn_buf_add_rc(buf, src + to, n - to, &rc);
    *out = buf->data;
    *nout = buf->len;
    return rc;
}

static void page_free(page *pg)
{
    xmlFreeDoc(pg->doc);
    free(pg->v);
    free(pg->roots);
    free(pg->para);
    vn_buf_free(&pg->out);
    vn_buf_free(&pg->tmp);
}

int vn_extract_html(const char *src, size_t n, const char *selector, vn_article *art,
                    int *missed, vn_err *err)
{
    page pg;
    vn_buf copy = VN_BUF_INIT; /* the page without a DOCTYPE's internal subset */
    int miss = 0, rc = VN_OK;
    assert(art != NULL);
    memset(art, 0, sizeof *art);
    memset(&pg, 0, sizeof pg);
    libxml_init();
    if (n > INT_MAX)
        rc = vn_err_set(err, VN_EINVAL, "page too large for the HTML parser");
    if (rc == VN_OK && src != NULL && n > 0
        && without_subset(src, n, &copy, &src, &n) != VN_OK)
        rc = vn_err_set(err, VN_ENOMEM, "out of memory reading a page");
    if (rc == VN_OK && src != NULL && n > 0)
        pg.doc = htmlReadMemory(src, (int)n, NULL, "UTF-8", parse_options);
    if (rc == VN_OK && (pg.doc == NULL || xmlDocGetRootElement(pg.doc) == NULL))
        rc = vn_err_set(err, VN_EINVAL, "empty page: no title and no text");
    if (rc == VN_OK)
        rc = index_elements(&pg, err);
    for (size_t i = 0; rc == VN_OK && i < pg.n; i++) {
        mark_chrome(&pg, i);
        collect_meta(&pg, &pg.v[i]);
    }
    if (rc == VN_OK) {
        sum_text(&pg);
        if (selector != NULL)
            rc = select_roots(&pg, selector, &miss, err);
        if (rc == VN_OK && pg.nroots == 0) {
            score_blocks(&pg);
            rc = choose_roots(&pg) == VN_OK ? VN_OK : vn_err_set(err, VN_ENOMEM, "out of memory");
        }
    }
    if (rc == VN_OK)
        rc = fill_fields(&pg, art, err);
    page_free(&pg);
    vn_buf_free(&copy);
    if (rc != VN_OK)
        vn_article_free(art);
    if (missed != NULL)
        *missed = miss;
    return rc;
}
