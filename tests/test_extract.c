/* test_extract.c: vn_extract_txt and vn_extract_date, one table row a case.
 *
 * Every text is invented for these tests. Each input is copied into a
 * buffer of exactly its length, without a NUL, so ASan catches a read
 * past n. One case reads the real sample page from ../shared and skips,
 * with a message, when it is absent. */
#include "extract.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "test_util.h"

/* An article case: expected NULL for author/date means "none". */
struct xcase {
    const char *src;
    const char *title, *author, *date, *body;
};

/* An error case: the text and the message expected with VN_EINVAL. */
struct ecase {
    const char *src;
    const char *msg;
};

/* A date case: expected NULL means no date. n == 0 means strlen(src). */
struct dcase {
    const char *src;
    const char *date;
    size_t n;
};

static void run_extract(void **state)
{
    const struct xcase *c = *state;
    size_t n = strlen(c->src);
    char *src = exact_copy(c->src, n);
    vn_article art;
    vn_err err;
    vn_err_clear(&err);
    int rc = vn_extract_txt(src, n, &art, &err);
    assert_int_equal(rc, VN_OK);
    assert_string_equal(err.msg, "");
    assert_string_equal(art.title, c->title);
    assert_opt_string(art.author, c->author);
    assert_opt_string(art.date, c->date);
    assert_null(art.url);
    assert_non_null(art.body);
    assert_int_equal(art.body_len, strlen(art.body));
    assert_string_equal(art.body, c->body);
    vn_article_free(&art);
    assert_null(art.title);
    assert_null(art.body);
    assert_int_equal(art.body_len, 0);
    free(src);
}

static void run_error(void **state)
{
    const struct ecase *c = *state;
    size_t n = strlen(c->src);
    char *src = exact_copy(c->src, n);
    vn_article art;
    vn_err err;
    vn_err_clear(&err);
    int rc = vn_extract_txt(src, n, &art, &err);
    assert_int_equal(rc, VN_EINVAL);
    assert_int_equal(err.code, VN_EINVAL);
    assert_string_equal(err.msg, c->msg);
    assert_null(art.title);
    assert_null(art.date);
    assert_null(art.author);
    assert_null(art.url);
    assert_null(art.body);
    assert_int_equal(art.body_len, 0);
    vn_article_free(&art);
    free(src);
}

static void run_date(void **state)
{
    const struct dcase *c = *state;
    size_t n = c->n > 0 ? c->n : strlen(c->src);
    char *src = exact_copy(c->src, n);
    char out[11];
    memset(out, 'x', sizeof out);
    int found = vn_extract_date(src, n, out);
    assert_int_equal(found, c->date != NULL);
    assert_string_equal(out, c->date != NULL ? c->date : "");
    free(src);
}

/* ---- Department saved pages ----------------------------------------- */

static struct xcase x_dept_basic = {
    "Tin hoạt động Tin hoạt động\n\nQuay lại\n\n"
    "Thư viện xã Tân Hòa mở phòng đọc cho thiếu nhi\n\n"
    "Sáng ngày 3 tháng 4 năm 2022, thư viện xã khai trương phòng đọc mới.\n\n"
    "Phòng đọc có hơn hai nghìn đầu sách do người dân quyên góp.\n\n"
    "Đỗ Quang Huy\n\nDanh mục Danh mục\n",
    "Thư viện xã Tân Hòa mở phòng đọc cho thiếu nhi", "Đỗ Quang Huy", "2022-04-03",
    "Sáng ngày 3 tháng 4 năm 2022, thư viện xã khai trương phòng đọc mới.\n\n"
    "Phòng đọc có hơn hai nghìn đầu sách do người dân quyên góp.",
};

/* Captions (short, no final period) stay as paragraphs of their own. */
static struct xcase x_dept_captions = {
    "Ban Tuyên giáo Ban Tuyên giáo\nQuay lại\n"
    "Tập huấn kỹ năng số cho cán bộ phường\n"
    "Lớp tập huấn kéo dài hai ngày với năm mươi học viên.\n"
    "Toàn cảnh lớp tập huấn\n"
    "Giảng viên hướng dẫn cách lưu trữ hồ sơ điện tử.\n"
    "Học viên thực hành trên máy tính\n"
    "Kết thúc khóa học, các học viên đều đạt yêu cầu.\n"
    "Lê Thị Mai\nDanh mục Danh mục\n",
    "Tập huấn kỹ năng số cho cán bộ phường", "Lê Thị Mai", NULL,
    "Lớp tập huấn kéo dài hai ngày với năm mươi học viên.\n\n"
    "Toàn cảnh lớp tập huấn\n\n"
    "Giảng viên hướng dẫn cách lưu trữ hồ sơ điện tử.\n\n"
    "Học viên thực hành trên máy tính\n\n"
    "Kết thúc khóa học, các học viên đều đạt yêu cầu.",
};

/* The trailing chrome alone marks the page; no final newline. */
static struct xcase x_dept_no_final_newline = {
    "Hội khuyến học trao học bổng\n"
    "Mười hai em học sinh nghèo vượt khó nhận học bổng.\n"
    "Trần Văn Bình\n"
    "Danh mục Danh mục",
    "Hội khuyến học trao học bổng", "Trần Văn Bình", NULL,
    "Mười hai em học sinh nghèo vượt khó nhận học bổng.",
};

/* A breadcrumb repeated with no blank between, and a repeated title. */
static struct xcase x_dept_repeat_no_space = {
    "Tin tứcTin tức\n"
    "Phường Đông Sơn ra quân dọn vệ sinh\n"
    "Phường Đông Sơn ra quân dọn vệ sinh\n"
    "Hơn ba trăm đoàn viên tham gia dọn rác ven kênh.\n",
    "Phường Đông Sơn ra quân dọn vệ sinh", NULL, NULL,
    "Hơn ba trăm đoàn viên tham gia dọn rác ven kênh.",
};

/* Portal chrome from the table, in any case, a counter, a final ':'. */
static struct xcase x_dept_chrome_table = {
    "Trang chủ\nIN BÀI VIẾT\nChia sẻ:\n"
    "Khánh thành cầu dân sinh ấp Bến Đình\n"
    "Cây cầu dài bốn mươi mét nối hai bờ rạch.\n"
    "Nguyễn Hoàng Long\n"
    "Gửi email\nBản in\nLượt xem: 1.250\n",
    "Khánh thành cầu dân sinh ấp Bến Đình", "Nguyễn Hoàng Long", NULL,
    "Cây cầu dài bốn mươi mét nối hai bờ rạch.",
};

/* "Tin, ảnh:" before the byline is a credit, not part of the name. */
static struct xcase x_dept_author_prefix = {
    "Quay lại\nNgày hội đọc sách ở trường Kim Đồng\n"
    "Các lớp thi kể chuyện theo sách suốt buổi sáng.\n"
    "Tin, ảnh: Phạm Hồng Nhung\n",
    "Ngày hội đọc sách ở trường Kim Đồng", "Phạm Hồng Nhung", NULL,
    "Các lớp thi kể chuyện theo sách suốt buổi sáng.",
};

static struct xcase x_dept_author_suffix = {
    "Quay lại\nGiải bóng đá thiếu niên khai mạc\n"
    "Tám đội bóng tranh tài trên sân vận động huyện.\n"
    "Bảo Ngọc (ảnh)\nDanh mục Danh mục\n",
    "Giải bóng đá thiếu niên khai mạc", "Bảo Ngọc", NULL,
    "Tám đội bóng tranh tài trên sân vận động huyện.",
};

/* A last sentence ending with a period is body, not a byline. */
static struct xcase x_dept_last_sentence = {
    "Quay lại\nMở lớp dạy bơi miễn phí mùa hè\n"
    "Lớp học dành cho trẻ từ sáu tuổi.\n"
    "Đăng Ký Tại Nhà Văn Hóa.\nDanh mục Danh mục\n",
    "Mở lớp dạy bơi miễn phí mùa hè", NULL, NULL,
    "Lớp học dành cho trẻ từ sáu tuổi.\n\nĐăng Ký Tại Nhà Văn Hóa.",
};

/* A lower-case word or too many words: a caption, not a byline. */
static struct xcase x_dept_not_author = {
    "Quay lại\nTrồng cây xanh dọc đường liên xã\n"
    "Đoàn thanh niên trồng hai trăm cây sao đen.\n"
    "Những hàng cây mới trồng\nDanh mục Danh mục\n",
    "Trồng cây xanh dọc đường liên xã", NULL, NULL,
    "Đoàn thanh niên trồng hai trăm cây sao đen.\n\nNhững hàng cây mới trồng",
};

static struct xcase x_dept_author_too_long = {
    "Quay lại\nHội thi nấu ăn ngon\nCó mười đội tham dự hội thi.\n"
    "Ban Tổ Chức Hội Thi Nấu Ăn Ngon Quận\nDanh mục Danh mục\n",
    "Hội thi nấu ăn ngon", NULL, NULL,
    "Có mười đội tham dự hội thi.\n\nBan Tổ Chức Hội Thi Nấu Ăn Ngon Quận",
};

/* Two authors joined by a dash. */
static struct xcase x_dept_two_authors = {
    "Quay lại\nChợ phiên nông sản sạch\nNông dân mang rau củ về bán tận tay.\n"
    "Minh Anh - Quốc Bảo\nDanh mục Danh mục\n",
    "Chợ phiên nông sản sạch", "Minh Anh - Quốc Bảo", NULL,
    "Nông dân mang rau củ về bán tận tay.",
};

/* CRLF line ends, a BOM, blanks (tab, no-break space) around lines. */
static struct xcase x_dept_crlf_bom = {
    "\xEF\xBB\xBF" "Văn phòng Hội Văn phòng Hội\r\n\r\n"
    "  Quay lại \r\n\r\n"
    "\tPhát động tết trồng cây năm 2024\r\n\r\n"
    "\xC2\xA0Lễ phát động diễn ra ngày 20/2/2024 tại công viên.\xC2\xA0\r\n\r\n"
    "Hà Phương\r\n\r\nDanh mục Danh mục\r\n",
    "Phát động tết trồng cây năm 2024", "Hà Phương", "2024-02-20",
    "Lễ phát động diễn ra ngày 20/2/2024 tại công viên.",
};

/* Only a title and a byline between the chrome. */
static struct xcase x_dept_title_author_only = {
    "Quay lại\nThông báo lịch tiếp công dân\nVũ Thanh Tâm\nDanh mục Danh mục",
    "Thông báo lịch tiếp công dân", "Vũ Thanh Tâm", NULL, "",
};

/* ---- One article a file --------------------------------------------- */

static struct xcase x_simple_basic = {
    "Mưa lớn gây ngập nhiều tuyến phố\n"
    "Trận mưa kéo dài ba giờ khiến nhiều tuyến phố ngập sâu.\n"
    "Theo đài khí tượng, lượng mưa đo được vượt tám mươi mi-li-mét.",
    "Mưa lớn gây ngập nhiều tuyến phố", NULL, NULL,
    "Trận mưa kéo dài ba giờ khiến nhiều tuyến phố ngập sâu.\n\n"
    "Theo đài khí tượng, lượng mưa đo được vượt tám mươi mi-li-mét.",
};

/* Blank lines anywhere, blanks trimmed, inner blanks kept. */
static struct xcase x_simple_blanks = {
    "\n\n   Giá rau tăng sau bão  \n\n\n"
    "Giá  rau xanh tăng gấp đôi.   \n"
    "   \n"
    "Tiểu thương cho biết nguồn hàng khan hiếm.\n\n",
    "Giá rau tăng sau bão", NULL, NULL,
    "Giá  rau xanh tăng gấp đôi.\n\nTiểu thương cho biết nguồn hàng khan hiếm.",
};

/* A name alone on the last line of a plain file is its author. */
static struct xcase x_simple_name_line = {
    "Đội tuyển cờ vua giành ba huy chương\n"
    "Các kỳ thủ trẻ thi đấu xuất sắc ở giải khu vực.\n"
    "Minh Anh\n",
    "Đội tuyển cờ vua giành ba huy chương", "Minh Anh", NULL,
    "Các kỳ thủ trẻ thi đấu xuất sắc ở giải khu vực.",
};

/* So are the last words after the last sentence, as news sites save it. */
static struct xcase x_simple_name_tail = {
    "Chợ hoa xuân mở cửa sớm\n"
    "Chợ hoa năm nay có hơn hai trăm gian hàng.\n"
    "Người bán cho biết giá hoa ổn định. \"Năm nay hoa đẹp\", một chủ vườn nói. Lê Thu Hà \n",
    "Chợ hoa xuân mở cửa sớm", "Lê Thu Hà", NULL,
    "Chợ hoa năm nay có hơn hai trăm gian hàng.\n\n"
    "Người bán cho biết giá hoa ổn định. \"Năm nay hoa đẹp\", một chủ vườn nói.",
};

/* A source after the name, in brackets or as "Theo", is no name. */
static struct xcase x_simple_name_source = {
    "Giải bóng đá phong trào khép lại\nĐội phường 3 vô địch.\n"
    "Trận chung kết có ba bàn thắng. Quốc Vinh (Tổng hợp từ báo Thể thao)\n",
    "Giải bóng đá phong trào khép lại", "Quốc Vinh", NULL,
    "Đội phường 3 vô địch.\n\nTrận chung kết có ba bàn thắng.",
};
static struct xcase x_simple_name_theo = {
    "Giá xăng giảm nhẹ\nGiá xăng giảm từ chiều nay.\nMức giảm khoảng 300 đồng một lít. Theo Thu An\n",
    "Giá xăng giảm nhẹ", "Thu An", NULL,
    "Giá xăng giảm từ chiều nay.\n\nMức giảm khoảng 300 đồng một lít.",
};

/* Words after the last sentence that are not names stay. */
static struct xcase x_simple_tail_not_name = {
    "Mưa đá ở vùng cao\nMưa đá rơi chiều qua.\nNhiều mái nhà bị hỏng. Người dân đang sửa lại\n",
    "Mưa đá ở vùng cao", NULL, NULL,
    "Mưa đá rơi chiều qua.\n\nNhiều mái nhà bị hỏng. Người dân đang sửa lại",
};

/* Chrome-like words deep inside a long plain file do not make it a
 * saved page. */
static struct xcase x_simple_chrome_inside = {
    "Sách hay tháng này\nGợi ý năm cuốn sách.\nMột.\nHai.\n"
    "Chia sẻ\nBa.\nBốn.\nNăm.\n",
    "Sách hay tháng này", NULL, NULL,
    "Gợi ý năm cuốn sách.\n\nMột.\n\nHai.\n\nChia sẻ\n\nBa.\n\nBốn.\n\nNăm.",
};

static struct xcase x_simple_cr = {
    "Khai giảng năm học mới\rHọc sinh nô nức tới trường.\rBuổi lễ kết thúc lúc 9 giờ.",
    "Khai giảng năm học mới", NULL, NULL,
    "Học sinh nô nức tới trường.\n\nBuổi lễ kết thúc lúc 9 giờ.",
};

static struct xcase x_simple_bom = {
    "\xEF\xBB\xBF" "Hội chợ sách mùa thu\nHội chợ mở cửa từ 5.9.2023 đến hết tháng.\n",
    "Hội chợ sách mùa thu", NULL, "2023-09-05",
    "Hội chợ mở cửa từ 5.9.2023 đến hết tháng.",
};

static struct xcase x_single_line = {
    "Chỉ có một dòng tiêu đề", "Chỉ có một dòng tiêu đề", NULL, NULL, "",
};

static struct xcase x_single_line_padded = {
    "\r\n \xC2\xA0 Một dòng có khoảng trắng\t \r\n\r\n",
    "Một dòng có khoảng trắng", NULL, NULL, "",
};

/* A line where nothing shows (zero-width space, soft hyphen, RLM, BOM,
 * word joiner) is no line: not the title, not a paragraph. */
static struct xcase x_invisible_lines = {
    "\xE2\x80\x8B\xC2\xAD\xE2\x80\x8F\xEF\xBB\xBF\n"
    "Tiêu đề thật\n\xE2\x81\xA0 \xE2\x80\x8E\nĐoạn văn.\n\xC2\xAD\n",
    "Tiêu đề thật", NULL, NULL, "Đoạn văn.",
};

/* The date comes from the title when it has one, before the body's. */
static struct xcase x_date_in_title = {
    "Lịch cắt điện ngày 14/3/2024\nNgày 15 tháng 3 năm 2024 cắt điện khu B.\n",
    "Lịch cắt điện ngày 14/3/2024", NULL, "2024-03-14",
    "Ngày 15 tháng 3 năm 2024 cắt điện khu B.",
};

/* Document numbers are skipped; the first real date is taken. */
static struct xcase x_date_after_numbers = {
    "Hướng dẫn thi hành Nghị định mới\n"
    "Căn cứ Luật số 131/2020/QH14 và Nghị định 45/2023/NĐ-CP, "
    "Kế hoạch 3815/KH-UBND ban hành ngày 7/8/2023.\n",
    "Hướng dẫn thi hành Nghị định mới", NULL, "2023-08-07",
    "Căn cứ Luật số 131/2020/QH14 và Nghị định 45/2023/NĐ-CP, "
    "Kế hoạch 3815/KH-UBND ban hành ngày 7/8/2023.",
};

/* A document's date, a span and a birth date are not the article's. */
static struct xcase x_date_references = {
    "Hội nghị triển khai kế hoạch năm\n"
    "Thực hiện Quyết định số 200/QĐ-UBND ngày 18/01/2023 và Nghị định 45 ngày "
    "2 tháng 3 năm 2022, kỷ niệm (28/8/1945 - 28/8/2023), từ ngày 1/7/2023 đến ngày "
    "30/11/2023, ông A sinh ngày 2/9/1960; sáng ngày 12/5/2023 hội nghị khai mạc.\n",
    "Hội nghị triển khai kế hoạch năm", NULL, "2023-05-12",
    "Thực hiện Quyết định số 200/QĐ-UBND ngày 18/01/2023 và Nghị định 45 ngày "
    "2 tháng 3 năm 2022, kỷ niệm (28/8/1945 - 28/8/2023), từ ngày 1/7/2023 đến ngày "
    "30/11/2023, ông A sinh ngày 2/9/1960; sáng ngày 12/5/2023 hội nghị khai mạc.",
};

/* One end of a span is kept when there is no other: "từ 5.9.2023 đến
 * hết tháng" (x_simple_bom). A date deep in the body is history. */
#define S100 "Một câu dài để lấp đầy phần đầu của bài viết, không có ngày tháng. "
static struct xcase x_date_too_deep = {
    "Bài dài\n" S100 S100 S100 S100 S100 S100 S100 S100 S100 S100 S100 S100 "Ngày 5/7/2020.\n",
    "Bài dài", NULL, NULL,
    S100 S100 S100 S100 S100 S100 S100 S100 S100 S100 S100 S100 "Ngày 5/7/2020.",
};

/* A page saved in NFD: the worded date and the chrome still read. */
static struct xcase x_date_nfd = {
    "Tin tu\xcc\x9b\xcc\x81" "c Tin tu\xcc\x9b\xcc\x81" "c\nQuay la\xcc\xa3i\nHọp\n"
    "Nga\xcc\x80y 30 tha\xcc\x81ng 9 na\xcc\x86m 2022, họp.\n",
    "Họp", NULL, "2022-09-30",
    "Nga\xcc\x80y 30 tha\xcc\x81ng 9 na\xcc\x86m 2022, họp.",
};

/* A first line too long to be a title is a paragraph: its head, cut
 * after a word, is the title, and the whole line stays in the body. */
#define LONG_LINE "Ủy ban nhân dân phường họp bàn kế hoạch chỉnh trang đô thị, " \
    "Ủy ban nhân dân phường họp bàn kế hoạch chỉnh trang đô thị, " \
    "Ủy ban nhân dân phường họp bàn kế hoạch chỉnh trang đô thị, " \
    "Ủy ban nhân dân phường họp bàn kế hoạch chỉnh trang đô thị, " \
    "Ủy ban nhân dân phường họp bàn kế hoạch chỉnh trang đô thị, " \
    "Ủy ban nhân dân phường họp bàn kế hoạch chỉnh trang đô thị,"
static struct xcase x_long_first_line = {
    LONG_LINE "\nDòng thứ hai.\n",
    "Ủy ban nhân dân phường họp bàn kế hoạch chỉnh trang đô thị, Ủy ban nhân dân phường họp bàn kế hoạch chỉnh trang đô thị, Ủy ban nhân dân phường họp bàn kế hoạch chỉnh trang đô thị, Ủy ban", NULL, NULL,
    LONG_LINE "\n\nDòng thứ hai.",
};

/* One long word: cut after a whole character (83 of 3 bytes each). */
#define E10 "ếếếếếếếếếế"
static struct xcase x_long_word = {
    E10 E10 E10 E10 E10 E10 E10 E10 E10 E10 "\n",
    E10 E10 E10 E10 E10 E10 E10 E10 "ếếế", NULL, NULL,
    E10 E10 E10 E10 E10 E10 E10 E10 E10 E10,
};

/* ---- Errors --------------------------------------------------------- */

static struct ecase e_empty = {"", "empty article"};
static struct ecase e_blank = {" \t\r\n\xC2\xA0\n\r \n", "empty article"};
static struct ecase e_bom_only = {"\xEF\xBB\xBF\n", "empty article"};
/* only invisible characters: as empty as only blanks */
static struct ecase e_invisible_only = {
    "\xE2\x80\x8B\xC2\xAD\xE2\x80\x8F\xEF\xBB\xBF\n\xE2\x80\x8B \xC2\xAD\r\n"
    "\xE2\x80\x8D\xE2\x80\xAE\xE2\x81\xA9\n", "empty article"};
static struct ecase e_chrome_only = {
    "Quay lại\nDanh mục Danh mục\n", "empty article: only site chrome"};

/* ---- Dates ---------------------------------------------------------- */

static struct dcase d_words = {"Họp vào ngày 12 tháng 5 năm 2023 tại hội trường.", "2023-05-12", 0};
static struct dcase d_words_zero = {"Ngày 05 tháng 01 năm 2023", "2023-01-05", 0};
static struct dcase d_words_no_ngay = {"Từ 9 tháng 10 năm 2020 trở đi", "2020-10-09", 0};
static struct dcase d_words_upper = {"HÀ NỘI, NGÀY 2 THÁNG 9 NĂM 2045", "2045-09-02", 0};
static struct dcase d_words_title = {"ngày 30 Tháng 4 Năm 1975", "1975-04-30", 0};
static struct dcase d_words_nbsp = {"ngày\xC2\xA0" "1\xC2\xA0tháng  6\tnăm 2001", "2001-06-01", 0};
static struct dcase d_slash = {"Cập nhật 12/5/2023", "2023-05-12", 0};
static struct dcase d_dash = {"Ngày đăng: 12-05-2023", "2023-05-12", 0};
static struct dcase d_dot = {"hạn chót 1.12.2022.", "2022-12-01", 0};
static struct dcase d_time_after = {"12/5/2023 08:30 Tin mới", "2023-05-12", 0};
static struct dcase d_time_before = {"08:30, 03/06/2019", "2019-06-03", 0};
static struct dcase d_first_wins = {"ngày 1 tháng 2 năm 2010, rồi 3/4/2011", "2010-02-01", 0};
static struct dcase d_invalid_skipped = {"31/2/2023 không có; 30 tháng 13 năm 2023 cũng không; 29/2/2024", "2024-02-29", 0};
static struct dcase d_not_leap = {"29/2/2023 và 29-02-1900", NULL, 0};
static struct dcase d_leap_400 = {"29.2.2000", "2000-02-29", 0};
static struct dcase d_day_zero = {"0/5/2023 và 31/4/2023", NULL, 0};
static struct dcase d_year_range = {"1/1/1899, 1/1/2101, 31/12/2100", "2100-12-31", 0};
static struct dcase d_doc_numbers = {"Luật 131/2020/QH14, Nghị định 45/2023/NĐ-CP, 3815/KH-UBND, 14-KL/TW", NULL, 0};
static struct dcase d_code_tail = {"Số 12/5/2023/QĐ-UB", NULL, 0};
static struct dcase d_month_words = {"05 tháng đầu năm 2023 và tháng 5 năm 2023", NULL, 0};
static struct dcase d_mixed_sep = {"12/5-2023 và 12.05/2023", NULL, 0};
static struct dcase d_long_numbers = {"112/5/2023, 12/123/2023, 12/5/20231", NULL, 0};
static struct dcase d_chain = {"Mã hồ sơ 7/15/3/2020", NULL, 0};
static struct dcase d_range = {"(28/8/1960 - 28/8/2020)", "1960-08-28", 0};
/* n cuts the text: the year beyond n must not be read. */
static struct dcase d_cut = {"ngày 12/5/2023", NULL, 13};
static struct dcase d_empty = {"", NULL, 0};

/* ---- Other cases ---------------------------------------------------- */

static void test_free_null(void **state)
{
    (void)state;
    vn_article art;
    memset(&art, 0, sizeof art);
    vn_article_free(NULL);
    vn_article_free(&art);
    vn_article_free(&art);
    assert_null(art.body);
}

/* NULL text with no bytes is an empty article; NULL is no date. */
static void test_null_text(void **state)
{
    (void)state;
    vn_article art;
    vn_err err;
    char out[11] = "xxxxxxxxxx";
    vn_err_clear(&err);
    assert_int_equal(vn_extract_txt(NULL, 0, &art, &err), VN_EINVAL);
    assert_string_equal(err.msg, "empty article");
    assert_null(art.title);
    assert_int_equal(vn_extract_date(NULL, 0, out), 0);
    assert_string_equal(out, "");
    assert_int_equal(vn_extract_txt("x", 1, &art, NULL), VN_OK);
    assert_string_equal(art.title, "x");
    vn_article_free(&art);
}

/* The one real saved page: structure only, never its text. */
static void test_sample_page(void **state)
{
    (void)state;
    FILE *f = fopen("../shared/corpus/department-article.txt", "rb");
    if (f == NULL) {
        print_message("skipping: ../shared/corpus/department-article.txt absent\n");
        skip();
    }
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    vn_article art;
    vn_err err;
    assert_int_equal(vn_extract_txt(buf, n, &art, &err), VN_OK);
    assert_non_null(art.author);
    assert_non_null(art.date);
    assert_string_equal(art.date, "2023-05-12");
    assert_true(strlen(art.title) > 20);
    assert_null(strstr(art.body, "Quay lại"));
    assert_null(strstr(art.body, "Danh mục"));
    assert_null(strstr(art.body, art.author));
    assert_true(strncmp(art.body, art.title, strlen(art.title)) != 0);
    assert_int_equal(art.body_len, strlen(art.body));
    vn_article_free(&art);
}

#define XCASE(c) {#c, run_extract, NULL, NULL, &c}
#define ECASE(c) {#c, run_error, NULL, NULL, &c}
#define DCASE(c) {#c, run_date, NULL, NULL, &c}

int main(void)
{
    const struct CMUnitTest tests[] = {
        XCASE(x_dept_basic),
        XCASE(x_dept_captions),
        XCASE(x_dept_no_final_newline),
        XCASE(x_dept_repeat_no_space),
        XCASE(x_dept_chrome_table),
        XCASE(x_dept_author_prefix),
        XCASE(x_dept_author_suffix),
        XCASE(x_dept_last_sentence),
        XCASE(x_dept_not_author),
        XCASE(x_dept_author_too_long),
        XCASE(x_dept_two_authors),
        XCASE(x_dept_crlf_bom),
        XCASE(x_dept_title_author_only),
        XCASE(x_simple_basic),
        XCASE(x_simple_blanks),
        XCASE(x_simple_name_line),
        XCASE(x_simple_name_tail),
        XCASE(x_simple_name_source),
        XCASE(x_simple_name_theo),
        XCASE(x_simple_tail_not_name),
        XCASE(x_simple_chrome_inside),
        XCASE(x_simple_cr),
        XCASE(x_simple_bom),
        XCASE(x_single_line),
        XCASE(x_single_line_padded),
        XCASE(x_invisible_lines),
        XCASE(x_date_in_title),
        XCASE(x_date_after_numbers),
        XCASE(x_date_references),
        XCASE(x_date_too_deep),
        XCASE(x_date_nfd),
        XCASE(x_long_first_line),
        XCASE(x_long_word),
        ECASE(e_empty),
        ECASE(e_blank),
        ECASE(e_bom_only),
        ECASE(e_invisible_only),
        ECASE(e_chrome_only),
        DCASE(d_words),
        DCASE(d_words_zero),
        DCASE(d_words_no_ngay),
        DCASE(d_words_upper),
        DCASE(d_words_title),
        DCASE(d_words_nbsp),
        DCASE(d_slash),
        DCASE(d_dash),
        DCASE(d_dot),
        DCASE(d_time_after),
        DCASE(d_time_before),
        DCASE(d_first_wins),
        DCASE(d_invalid_skipped),
        DCASE(d_not_leap),
        DCASE(d_leap_400),
        DCASE(d_day_zero),
        DCASE(d_year_range),
        DCASE(d_doc_numbers),
        DCASE(d_code_tail),
        DCASE(d_month_words),
        DCASE(d_mixed_sep),
        DCASE(d_long_numbers),
        DCASE(d_chain),
        DCASE(d_range),
        DCASE(d_cut),
        DCASE(d_empty),
        cmocka_unit_test(test_free_null),
        cmocka_unit_test(test_null_text),
        cmocka_unit_test(test_sample_page),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
