/* test_html.c: vn_extract_html, one table row a case.
 *
 * The fixture pages in tests/cases/html/ and the snippets below are
 * invented for these tests, shaped like a government portal's saved
 * pages. Each input is copied into a buffer of exactly its length,
 * without a NUL, so ASan catches a read past n. The tests run from the
 * repository's root (tests/run.sh does so). */
#include "html.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "test_util.h"

#define CASES "tests/cases/html/"

/* A page, from a fixture file (file != NULL) or inline (src); NULL
 * expectations for date, author and url mean "none". */
struct hcase {
    const char *file, *src, *selector;
    const char *title, *date, *author, *url, *body;
    int missed;
};

/* An error case: the page, selector, and the message with VN_EINVAL. */
struct ecase {
    const char *src, *selector, *msg;
};

/* Words of site chrome in the fixtures that must never reach a body. */
static const char *const chrome_words[] = {
    "Trang chủ", "Danh mục", "Quay lại", "Chia sẻ", "Tin liên quan", "Địa chỉ",
    "Lượt truy cập", "In bài viết", "Văn bản chỉ đạo", "Liên hệ", "Giới thiệu", "Từ khóa",
    "Tin mới", "Bản quyền", "Thăm dò", "var trang", "Thống kê", "color", "Ngày đăng",
    "Về đầu trang", "Cập nhật", "Facebook", "Tìm kiếm", "Phòng Cải cách", "Tiêu đề trong JSON",
};

/* The bytes of a fixture file (OUT: caller frees, *n its length). */
static char *read_case(const char *name, size_t *n)
{
    char path[256];
    snprintf(path, sizeof path, CASES "%s", name);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        fail_msg("cannot open %s (run the tests from the repository's root)", path);
    char *p = malloc(1 << 20);
    assert_non_null(p);
    *n = fread(p, 1, 1 << 20, f);
    fclose(f);
    return p;
}

static void run_page(void **state)
{
    const struct hcase *c = *state;
    size_t n = c->src != NULL ? strlen(c->src) : 0;
    char *raw = c->file != NULL ? read_case(c->file, &n) : NULL;
    char *src = exact_copy(raw != NULL ? raw : c->src, n);
    vn_article art;
    vn_err err;
    int missed = -1;
    vn_err_clear(&err);
    int rc = vn_extract_html(src, n, c->selector, &art, &missed, &err);
    assert_string_equal(err.msg, "");
    assert_int_equal(rc, VN_OK);
    assert_int_equal(missed, c->missed);
    assert_string_equal(art.title, c->title);
    assert_opt_string(art.date, c->date);
    assert_opt_string(art.author, c->author);
    assert_opt_string(art.url, c->url);
    assert_non_null(art.body);
    assert_int_equal(art.body_len, strlen(art.body));
    assert_string_equal(art.body, c->body);
    if (c->file != NULL)
        for (size_t i = 0; i < sizeof chrome_words / sizeof chrome_words[0]; i++)
            if (strstr(art.body, chrome_words[i]) != NULL)
                fail_msg("chrome '%s' in the body of %s", chrome_words[i], c->file);
    vn_article_free(&art);
    assert_null(art.title);
    assert_null(art.body);
    free(src);
    free(raw);
}

static void run_error(void **state)
{
    const struct ecase *c = *state;
    size_t n = strlen(c->src);
    char *src = exact_copy(c->src, n);
    vn_article art;
    vn_err err;
    int missed = -1;
    vn_err_clear(&err);
    assert_int_equal(vn_extract_html(src, n, c->selector, &art, &missed, &err), VN_EINVAL);
    assert_int_equal(err.code, VN_EINVAL);
    assert_string_equal(err.msg, c->msg);
    assert_int_equal(missed, 0);
    assert_null(art.title);
    assert_null(art.date);
    assert_null(art.author);
    assert_null(art.url);
    assert_null(art.body);
    assert_int_equal(art.body_len, 0);
    free(src);
}

/* ---- the fixture pages ----------------------------------------------------- */

static const char portal_body[] =
    "Ngày 12 tháng 3 năm 2024, Sở Nội vụ tổ chức lớp tập huấn nghiệp vụ quản lý hồ sơ điện "
    "tử cho hơn 120 công chức văn phòng - thống kê của các phường, xã, thị trấn trên địa bàn."
    "\n\n"
    "Quang cảnh lớp tập huấn\n\n"
    "Tại lớp tập huấn, học viên được hướng dẫn cách số hóa, lưu trữ và tra cứu hồ sơ trên hệ "
    "thống quản lý văn bản; đồng thời trao đổi những khó khăn thường gặp khi chuyển từ hồ sơ "
    "giấy sang hồ sơ điện tử.\n\n"
    "Phát biểu bế mạc, bà Lê Thị Ngọc Hà, Phó Giám đốc Sở Nội vụ, đề nghị các địa phương hoàn "
    "thành việc số hóa hồ sơ trước ngày 30/9/2024.";

#define PORTAL_TITLE "Sở Nội vụ tập huấn quản lý hồ sơ điện tử cho công chức cấp xã"

/* Breadcrumbs, top and left menus, a "Quay lại" link, a caption, a
 * right-aligned bold author line, share buttons, related links, a footer
 * with an address; the date in a "date" element (not the earlier date in
 * the text); the title in <h1> (the logo's <h1> is in the header). */
static struct hcase h_portal = {
    "portal-article.html", NULL, NULL,
    PORTAL_TITLE, "2024-03-14", "Minh Châu", NULL, portal_body, 0,
};

/* og: meta tags: og:title (an entity in it), article:published_time,
 * author, a relative canonical resolved against og:url; an HTML5
 * <article> whose lead sits beside its body element. */
static struct hcase h_og = {
    "og-meta.html", NULL, NULL,
    "Hội thi \"Văn thư giỏi\" năm 2023 thu hút 48 thí sinh", "2023-11-20", "Hoàng Yến",
    "https://sonoivu.example.gov.vn/tin-tuc/hoi-thi-van-thu-gioi-2023.html",
    "Sáng 18/11, Chi cục Văn thư - Lưu trữ tổ chức vòng chung kết Hội thi \"Văn thư giỏi\" "
    "năm 2023 với sự tham gia của 48 thí sinh đến từ các sở, ngành và quận, huyện.\n\n"
    "Hội thi gồm ba phần: kiểm tra kiến thức pháp luật về công tác văn thư, xử lý tình huống "
    "nghiệp vụ và thực hành soạn thảo văn bản trên máy tính.\n\n"
    "Các thí sinh thực hành soạn thảo văn bản\n\n"
    "Nhiều cách làm sáng tạo\n\n"
    "Theo Ban tổ chức, phần xử lý tình huống cho thấy nhiều thí sinh đã chủ động đề xuất cách "
    "lập hồ sơ điện tử, rút ngắn thời gian luân chuyển văn bản giữa các phòng.\n\n"
    "Qua hội thi, mỗi người làm văn thư hiểu rõ hơn vai trò của mình trong chuyển đổi số.\n\n"
    "Kết quả, Ban tổ chức trao 1 giải Nhất, 2 giải Nhì, 3 giải Ba và 5 giải Khuyến khích.",
    0,
};

/* No <html>, <head> or <body>; unclosed <p> and <li>, misnested <b><i>,
 * a stray </div> that cuts the article in two, unquoted attributes, raw
 * & and <. Title from <title> without " | site"; date from an "Cập
 * nhật:" dateline; author from a "Tin, ảnh:" credit. */
static struct hcase h_broken = {
    "broken.html", NULL, NULL,
    "Phường 9 ra mắt tổ công nghệ số cộng đồng", "2022-09-05", "Bảo Ngọc", NULL,
    "Chiều ngày 3/9, Ủy ban nhân dân Phường 9 ra mắt tổ công nghệ số cộng đồng gồm 35 thành "
    "viên là cán bộ khu phố, đoàn viên thanh niên và hội viên phụ nữ.\n\n"
    "Các thành viên sẽ đến từng hộ dân hướng dẫn cài đặt ứng dụng định danh điện tử, thanh "
    "toán không dùng tiền mặt & nộp hồ sơ trực tuyến, với mục tiêu ít nhất 80% hộ được hỗ "
    "trợ trong năm.\n\n"
    "Dịp này, phường trao tặng 10 điện thoại thông minh cho hộ nghèo, hộ cận nghèo có con em "
    "đang đi học.\n\n"
    "Tổ sẽ họp định kỳ mỗi tháng một lần để báo cáo kết quả <5 việc cần làm> và đề xuất cách "
    "làm mới.",
    0,
};

/* A table layout: menu cell, content cell of <br>-separated text in
 * <font>, a nested table for the photo and its caption, a right-aligned
 * author, "Quay lại | Về đầu trang" links, a footer row. */
static struct hcase h_table = {
    "table-layout.html", NULL, NULL,
    "Trao quyết định nghỉ hưu cho ba công chức năm 2021", "2021-06-05", "Quốc Bảo", NULL,
    "Sáng ngày 1 tháng 6 năm 2021, Sở Nội vụ tổ chức buổi gặp mặt và trao quyết định nghỉ "
    "hưu cho ba công chức đã có thời gian công tác trên 30 năm trong ngành.\n\n"
    "Lãnh đạo Sở tặng hoa các đồng chí nghỉ hưu\n\n"
    "Thay mặt lãnh đạo Sở, ông Trần Văn Lực ghi nhận những đóng góp của các đồng chí trong "
    "công tác tổ chức bộ máy, quản lý cán bộ và cải cách hành chính, đồng thời mong các đồng "
    "chí tiếp tục giữ mối liên hệ với cơ quan.\n\n"
    "Các đồng chí nghỉ hưu bày tỏ niềm vui được ghi nhận và hứa sẽ tham gia sinh hoạt tại khu "
    "dân cư nơi cư trú.",
    0,
};

/* ---- content selectors ------------------------------------------------------- */

static struct hcase h_sel_id = {
    "portal-article.html", NULL, "#noidung",
    PORTAL_TITLE, "2024-03-14", "Minh Châu", NULL, portal_body, 0,
};
static struct hcase h_sel_class = {
    "portal-article.html", NULL, ".news-content",
    PORTAL_TITLE, "2024-03-14", "Minh Châu", NULL, portal_body, 0,
};
static struct hcase h_sel_name = {
    "portal-article.html", NULL, "news-content",
    PORTAL_TITLE, "2024-03-14", "Minh Châu", NULL, portal_body, 0,
};
static struct hcase h_sel_xpath = {
    "portal-article.html", NULL, "//div[@id='noidung']",
    PORTAL_TITLE, "2024-03-14", "Minh Châu", NULL, portal_body, 0,
};
/* paragraphs selected one by one are joined in page order */
static struct hcase h_sel_xpath_many = {
    "portal-article.html", NULL, "//div[@id='noidung']/p[position() >= 3]",
    PORTAL_TITLE, "2024-03-14", "Minh Châu", NULL,
    "Quang cảnh lớp tập huấn\n\n"
    "Tại lớp tập huấn, học viên được hướng dẫn cách số hóa, lưu trữ và tra cứu hồ sơ trên hệ "
    "thống quản lý văn bản; đồng thời trao đổi những khó khăn thường gặp khi chuyển từ hồ sơ "
    "giấy sang hồ sơ điện tử.\n\n"
    "Phát biểu bế mạc, bà Lê Thị Ngọc Hà, Phó Giám đốc Sở Nội vụ, đề nghị các địa phương hoàn "
    "thành việc số hóa hồ sơ trước ngày 30/9/2024.",
    0,
};
/* a selector that names nothing: the heuristic, and missed is set */
static struct hcase h_sel_missed = {
    "portal-article.html", NULL, "#khong-co",
    PORTAL_TITLE, "2024-03-14", "Minh Châu", NULL, portal_body, 1,
};
/* the named element is the article even where the heuristic would
 * call it chrome; chrome inside it still goes */
static struct hcase h_sel_chrome = {
    NULL,
    "<title>Trang bài - Sở</title><div class=\"sidebar\" id=\"bai\"><p>Đoạn một của bài viết nằm "
    "trong khung bên.</p><div class=\"share\">Chia sẻ lên mạng xã hội</div><p>Đoạn hai.</p>"
    "</div><div><p>Một đoạn khác, dài hơn nhiều, ở ngoài khung bên, có dấu phẩy, có chữ, có "
    "câu.</p></div>",
    "#bai",
    "Trang bài", NULL, NULL, NULL, "Đoạn một của bài viết nằm trong khung bên.\n\nĐoạn hai.", 0,
};

/* ---- titles ---------------------------------------------------------------- */

static struct hcase h_title_og = {
    NULL,
    "<head><meta property='og:title' content='  Tiêu đề   từ OG  '><title>Tiêu đề thẻ - Sở "
    "Nội vụ</title></head><body><h1>Tiêu đề H1</h1><p>Nội dung.</p></body>",
    NULL, "Tiêu đề từ OG", NULL, NULL, NULL, "Tiêu đề H1\n\nNội dung.", 0,
};
static struct hcase h_title_og_site = {
    NULL,
    "<meta property='og:site_name' content='Cổng thông tin Sở'><meta property='og:title' "
    "content='Họp báo định kỳ - Cổng thông tin Sở'><p>Nội dung.</p>",
    NULL, "Họp báo định kỳ", NULL, NULL, NULL, "Nội dung.", 0,
};
static struct hcase h_title_h1 = {
    NULL,
    "<title>Tiêu đề thẻ - Sở Nội vụ</title><h1>Tiêu <b>đề</b> H1</h1><p>Nội dung.</p>",
    NULL, "Tiêu đề H1", NULL, NULL, NULL, "Nội dung.", 0,
};
static struct hcase h_title_suffix = {
    NULL, "<title>Họp báo quý III - Sở Nội vụ</title><p>Nội dung.</p>",
    NULL, "Họp báo quý III", NULL, NULL, NULL, "Nội dung.", 0,
};
static struct hcase h_title_pipe = {
    NULL, "<title>Họp báo | cổng thông tin điện tử</title><p>Nội dung.</p>",
    NULL, "Họp báo", NULL, NULL, NULL, "Nội dung.", 0,
};
/* " - xã hội" is part of the title, not a site's name */
static struct hcase h_title_dash_kept = {
    NULL, "<title>Phát triển kinh tế - xã hội năm 2023</title><p>Nội dung.</p>",
    NULL, "Phát triển kinh tế - xã hội năm 2023", NULL, NULL, NULL, "Nội dung.", 0,
};
/* the logo's <h1> in the site header is not the title */
static struct hcase h_title_logo = {
    NULL,
    "<title>Gặp mặt đầu xuân - Sở Nội vụ</title><div id='header'><h1>Sở Nội vụ</h1></div>"
    "<div class='content'><h2>Gặp mặt đầu xuân</h2><p>Nội dung buổi gặp mặt đầu xuân.</p></div>",
    NULL, "Gặp mặt đầu xuân", NULL, NULL, NULL, "Nội dung buổi gặp mặt đầu xuân.", 0,
};
/* no title anywhere: the first line, as in a .txt file */
static struct hcase h_title_first_line = {
    NULL, "<body><p>Dòng đầu là tiêu đề</p><p>Đoạn thứ hai.</p></body>",
    NULL, "Dòng đầu là tiêu đề", NULL, NULL, NULL, "Đoạn thứ hai.", 0,
};

/* a title where nothing shows is none: the next candidate is used; a
 * paragraph of invisible characters is no paragraph */
static struct hcase h_title_invisible = {
    NULL,
    "<meta property='og:title' content='&#x200B;&shy;'><title>&#x200F; \xE2\x80\x8B</title>"
    "<h1>&#xFEFF;</h1><p>&#x200F;&#x2060;</p><p>Dòng đầu</p><p>&#8203;</p><p>Đoạn hai.</p>",
    NULL, "Dòng đầu", NULL, NULL, NULL, "Đoạn hai.", 0,
};

/* a title longer than VN_TITLE_MAX_BYTES is cut after a character */
#define E10 "ếếếếếếếếếế"
static struct hcase h_title_long = {
    NULL, "<title>" E10 E10 E10 E10 E10 E10 E10 E10 E10 E10 "</title><p>Nội dung.</p>",
    NULL, E10 E10 E10 E10 E10 E10 E10 E10 "ếếế", NULL, NULL, NULL, "Nội dung.", 0,
};

/* ---- dates ----------------------------------------------------------------- */

static struct hcase h_date_meta = {
    NULL,
    "<meta name='pubdate' content='28/02/2022'><meta property='article:published_time' "
    "content=' 2022-03-01T23:30:00+07:00'><title>Tin</title><p>Ngày 5/7/2020 là ngày khác.</p>",
    NULL, "Tin", "2022-03-01", NULL, NULL, "Ngày 5/7/2020 là ngày khác.", 0,
};
static struct hcase h_date_meta_dmy = {
    NULL, "<meta name='pubdate' content='28/02/2022'><title>Tin</title><p>Văn bản.</p>",
    NULL, "Tin", "2022-02-28", NULL, NULL, "Văn bản.", 0,
};
static struct hcase h_date_time = {
    NULL,
    "<title>Tin</title><article><time datetime='2021-12-31'>31/12</time><p>Văn bản ngày "
    "1/1/2020.</p></article>",
    NULL, "Tin", "2021-12-31", NULL, NULL, "Văn bản ngày 1/1/2020.", 0,
};
/* a dateline is no paragraph of the body */
static struct hcase h_date_dateline = {
    NULL,
    "<title>Tin</title><div class='detail'><p>Thứ Năm, 14/03/2024 - 09:15 (GMT+7)</p>"
    "<p>Sáng 13/3, hội nghị diễn ra tại hội trường.</p></div>",
    NULL, "Tin", "2024-03-14", NULL, NULL, "Sáng 13/3, hội nghị diễn ra tại hội trường.", 0,
};
/* a sentence with a date in it stays */
static struct hcase h_date_text = {
    NULL,
    "<title>Tin</title><p>Hội nghị diễn ra ngày 5 tháng 7 năm 2020 tại Hà Nội.</p>"
    "<p>Ngày 14/03/2024</p>",
    NULL, "Tin", "2024-03-14", NULL, NULL, "Hội nghị diễn ra ngày 5 tháng 7 năm 2020 tại Hà Nội.", 0,
};
static struct hcase h_date_bad_meta = {
    NULL,
    "<meta property='article:published_time' content='2023-13-45'><title>Tin</title>"
    "<p>Không có ngày.</p>",
    NULL, "Tin", NULL, NULL, NULL, "Không có ngày.", 0,
};

/* ---- authors --------------------------------------------------------------- */

static struct hcase h_author_meta = {
    NULL,
    "<meta name='author' content='Lan Anh'><title>Tin</title><p>Văn bản.</p>"
    "<p><strong>Lan Anh</strong></p>",
    NULL, "Tin", NULL, "Lan Anh", NULL, "Văn bản.", 0,
};
static struct hcase h_author_class = {
    NULL,
    "<title>Tin</title><div class='detail'><p class='author'>Tác giả: Lan Anh</p>"
    "<p>Văn bản của bài.</p></div>",
    NULL, "Tin", NULL, "Lan Anh", NULL, "Văn bản của bài.", 0,
};
static struct hcase h_author_itemprop = {
    NULL,
    "<title>Tin</title><p>Văn bản của bài.</p><span itemprop='author'>Trần Minh</span>",
    NULL, "Tin", NULL, "Trần Minh", NULL, "Văn bản của bài.", 0,
};
static struct hcase h_author_bold = {
    NULL, "<title>Tin</title><p>Văn bản của bài.</p><p><b>Lan Anh</b></p>",
    NULL, "Tin", NULL, "Lan Anh", NULL, "Văn bản của bài.", 0,
};
static struct hcase h_author_right = {
    NULL, "<title>Tin</title><p>Văn bản của bài.</p><p align='right'>Lan Anh - Minh Khoa</p>",
    NULL, "Tin", NULL, "Lan Anh - Minh Khoa", NULL, "Văn bản của bài.", 0,
};
/* a plain short last line may be a caption or a sentence: it stays */
static struct hcase h_author_plain = {
    NULL, "<title>Tin</title><p>Văn bản của bài.</p><p>Lan Anh</p>",
    NULL, "Tin", NULL, NULL, NULL, "Văn bản của bài.\n\nLan Anh", 0,
};

/* ---- URLs ------------------------------------------------------------------ */

static struct hcase h_url_canonical = {
    NULL,
    "<link rel='canonical' href='https://a.example.vn/tin/1.html'><meta property='og:url' "
    "content='https://b.example.vn/x'><title>Tin</title><p>Văn bản.</p>",
    NULL, "Tin", NULL, NULL, "https://a.example.vn/tin/1.html", "Văn bản.", 0,
};
static struct hcase h_url_og = {
    NULL,
    "<meta property='og:url' content='http://b.example.vn/tin/2.html'><title>Tin</title>"
    "<p>Văn bản.</p>",
    NULL, "Tin", NULL, NULL, "http://b.example.vn/tin/2.html", "Văn bản.", 0,
};
/* relative with nothing to resolve it against: none */
static struct hcase h_url_relative = {
    NULL, "<link rel='canonical' href='/tin/1.html'><title>Tin</title><p>Văn bản.</p>",
    NULL, "Tin", NULL, NULL, NULL, "Văn bản.", 0,
};
static struct hcase h_url_javascript = {
    NULL,
    "<link rel='canonical' href='javascript:void(0)'><meta property='og:url' "
    "content='https://b.example.vn/tin/3.html'><title>Tin</title><p>Văn bản.</p>",
    NULL, "Tin", NULL, NULL, "https://b.example.vn/tin/3.html", "Văn bản.", 0,
};

/* ---- body text -------------------------------------------------------------- */

/* <br> ends a line; inline tags do not add blanks; blanks and &nbsp;
 * collapse; zero-width spaces and soft hyphens go */
static struct hcase h_body_lines = {
    NULL,
    "<title>Tin</title><div>Dòng   một\n  có <b>chữ</b><i>đậm</i>&nbsp;&nbsp;nghiêng<br>"
    "Dòng hai<br/><br/>  Dòng\tba&#8203;.&shy;</div>",
    NULL, "Tin", NULL, NULL, NULL, "Dòng một có chữđậm nghiêng\n\nDòng hai\n\nDòng ba.", 0,
};
/* scripts, styles, noscript, forms' controls and hidden text go */
static struct hcase h_body_hidden = {
    NULL,
    "<title>Tin</title><style>p{color:red}</style><div><script>var x = 'mã';</script>"
    "<p>Văn bản thật.</p><noscript>Bật JavaScript</noscript><p style='display: none'>Ẩn"
    "</p><p hidden>Ẩn nữa</p><select><option>Chọn</option></select><button>Gửi</button>"
    "<template><p>Mẫu</p></template></div>",
    NULL, "Tin", NULL, NULL, NULL, "Văn bản thật.", 0,
};
/* lines that are mostly links, and link lists, go; a sentence with a
 * link in it stays; chrome lines go */
static struct hcase h_body_links = {
    NULL,
    "<title>Tin</title><div><p>Xem văn bản tại <a href='/vb.pdf'>đây</a> trước khi họp.</p>"
    "<p>Xem thêm: <a href='/a'>Hội nghị tổng kết năm</a></p><ul><li><a href='/1'>Tin một"
    "</a></li><li><a href='/2'>Tin hai</a></li></ul><p>Quay lại</p><p>Lượt xem: 1.024</p>"
    "<p>Đoạn cuối cùng.</p></div>",
    NULL, "Tin", NULL, NULL, NULL,
    "Xem văn bản tại đây trước khi họp.\n\nĐoạn cuối cùng.", 0,
};
/* the title repeated at the top of the body goes, whatever its case */
static struct hcase h_body_title_repeat = {
    NULL, "<title>Họp báo - Sở Nội vụ</title><p>HỌP BÁO</p><p>Nội dung họp báo.</p>",
    NULL, "Họp báo", NULL, NULL, NULL, "Nội dung họp báo.", 0,
};

/* a DOCTYPE's internal subset is neither body nor title (libxml2's HTML
 * parser ends the DOCTYPE at its first '>', leaving the declarations as
 * text); '>' and ']' in quoted values and comments do not end it; the
 * entities are not expanded */
static struct hcase h_doctype_subset = {
    NULL,
    "<?xml version=\"1.0\"?>\n<!-- trước -->\n<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0//EN\" [\n"
    "<!ENTITY e0 \"a > b ] c\">\n<!-- ] > -->\n<!ENTITY e1 '&e0;&e0;'>\n]>\n"
    "<html><body><p>Dòng đầu</p><p>Đoạn &e1; hai.</p></body></html>",
    NULL, "Dòng đầu", NULL, NULL, NULL, "Đoạn &e1; hai.", 0,
};
/* without a subset, nothing changes */
static struct hcase h_doctype_plain = {
    NULL, "<!doctype html><title>Tin</title><p>Đoạn [một] > hai.</p>",
    NULL, "Tin", NULL, NULL, NULL, "Đoạn [một] > hai.", 0,
};

/* ---- errors ---------------------------------------------------------------- */

static struct ecase e_empty = {"", NULL, "empty page: no title and no text"};
static struct ecase e_blank = {"  \n\t ", NULL, "empty page: no title and no text"};
static struct ecase e_no_text = {"<html><body><div><img src=a.jpg></div></body></html>", NULL,
                                 "empty page: no title and no text"};
/* zero-width space, soft hyphen, RLM, BOM only: as empty as blanks */
static struct ecase e_invisible = {
    "<title>&#x200B;</title><body><p>\xE2\x80\x8B\xC2\xAD\xE2\x80\x8F\xEF\xBB\xBF</p>"
    "<p>&shy;&#x200F;&#x202E;</p></body>", NULL, "empty page: no title and no text"};
static struct ecase e_comment = {"<!-- chỉ có chú thích -->", NULL,
                                 "empty page: no title and no text"};
static struct ecase e_bad_xpath = {"<title>T</title><p>x</p>", "//div[@id='a'",
                                   "bad XPath in content selector '//div[@id='a'' (at character 14)"};
static struct ecase e_not_nodes = {"<title>T</title><p>x</p>", "(1 + 2)",
                                   "content selector '(1 + 2)' does not select elements"};
static struct ecase e_bad_name = {"<title>T</title><p>x</p>", "#bai viet",
                                  "bad content selector '#bai viet': give #id, .class, a name, or an XPath"};

/* ---- whole-function cases ---------------------------------------------------- */

static void selector_check(void **state)
{
    static const struct {
        const char *sel, *msg;
    } c[] = {
        {"#noidung", ""}, {".news-content", ""}, {"noidung", ""}, {"//div[@id='x']", ""},
        {"(//p)[1]", ""},
        {"", "empty content selector"},
        {"#", "bad content selector '#': give #id, .class, a name, or an XPath"},
        {".a b", "bad content selector '.a b': give #id, .class, a name, or an XPath"},
        {"div>p", "bad content selector 'div>p': give #id, .class, a name, or an XPath"},
        {"//div[", "bad XPath in content selector '//div[' (at character 7)"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        vn_err err;
        vn_err_clear(&err);
        int rc = vn_html_selector_check(c[i].sel, &err);
        assert_int_equal(rc, c[i].msg[0] ? VN_EINVAL : VN_OK);
        assert_string_equal(err.msg, c[i].msg);
    }
    vn_err err;
    assert_int_equal(vn_html_selector_check(NULL, &err), VN_EINVAL);
}

static void html_paths(void **state)
{
    (void)state;
    assert_true(vn_html_path("a/b.html"));
    assert_true(vn_html_path("B.HTM"));
    assert_true(vn_html_path("x.Html"));
    assert_false(vn_html_path("a.txt"));
    assert_false(vn_html_path("a.xhtml.bak"));
    assert_false(vn_html_path(".htm"));
    assert_false(vn_html_path("html"));
    assert_false(vn_html_path(NULL));
}

/* libxml2 stops at its depth limit: no crash, no stack overflow, and
 * what it read is kept. */
static void deep_nesting(void **state)
{
    static const char head[] = "<title>Lồng sâu</title><p>Đoạn trước.</p>";
    size_t depth = 100000, n = strlen(head) + depth * 11 + 16;
    char *src = malloc(n), *p = src;
    (void)state;
    assert_non_null(src);
    memcpy(p, head, strlen(head));
    p += strlen(head);
    for (size_t i = 0; i < depth; i++, p += 5)
        memcpy(p, "<div>", 5);
    memcpy(p, "sâu", 4);
    p += 4;
    for (size_t i = 0; i < depth; i++, p += 6)
        memcpy(p, "</div>", 6);
    vn_article art;
    vn_err err;
    vn_err_clear(&err);
    assert_int_equal(vn_extract_html(src, (size_t)(p - src), NULL, &art, NULL, &err), VN_OK);
    assert_string_equal(art.title, "Lồng sâu");
    /* the innermost word too: libxml2 keeps nodes past depth 256 */
    assert_string_equal(art.body, "Đoạn trước.\n\nsâu");
    vn_article_free(&art);
    free(src);
}

/* One test a row, named after it. */
#define PAGE(c) {#c, run_page, NULL, NULL, &(c)}
#define ERR(c) {#c, run_error, NULL, NULL, &(c)}

int main(void)
{
    const struct CMUnitTest tests[] = {
        PAGE(h_portal), PAGE(h_og), PAGE(h_broken), PAGE(h_table),
        PAGE(h_sel_id), PAGE(h_sel_class), PAGE(h_sel_name), PAGE(h_sel_xpath),
        PAGE(h_sel_xpath_many), PAGE(h_sel_missed), PAGE(h_sel_chrome),
        PAGE(h_title_og), PAGE(h_title_og_site), PAGE(h_title_h1), PAGE(h_title_suffix),
        PAGE(h_title_pipe), PAGE(h_title_dash_kept), PAGE(h_title_logo),
        PAGE(h_title_first_line), PAGE(h_title_invisible), PAGE(h_title_long),
        PAGE(h_date_meta), PAGE(h_date_meta_dmy), PAGE(h_date_time), PAGE(h_date_dateline),
        PAGE(h_date_text), PAGE(h_date_bad_meta),
        PAGE(h_author_meta), PAGE(h_author_class), PAGE(h_author_itemprop),
        PAGE(h_author_bold), PAGE(h_author_right), PAGE(h_author_plain),
        PAGE(h_url_canonical), PAGE(h_url_og), PAGE(h_url_relative), PAGE(h_url_javascript),
        PAGE(h_body_lines), PAGE(h_body_hidden), PAGE(h_body_links), PAGE(h_body_title_repeat),
        PAGE(h_doctype_subset), PAGE(h_doctype_plain),
        ERR(e_empty), ERR(e_blank), ERR(e_no_text), ERR(e_invisible), ERR(e_comment), ERR(e_bad_xpath),
        ERR(e_not_nodes), ERR(e_bad_name),
        cmocka_unit_test(selector_check),
        cmocka_unit_test(html_paths),
        cmocka_unit_test(deep_nesting),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
