# seeds.py: writes the seed corpora of tests/fuzz/seeds/ (run from tests/fuzz:
# python3 seeds.py). Short inputs we wrote, one idea each; regression
# inputs from crashes are added by hand as seeds/TARGET/crash-* and kept.
import os
import unicodedata


def put(target, name, data):
    d = os.path.join("seeds", target); os.makedirs(d, exist_ok=True)
    if isinstance(data, str): data = data.encode("utf-8")
    open(os.path.join(d, name), "wb").write(data)

text = {
 "vi_plain": "Hà Nội mùa thu, tinh giản biên chế năm 2023.",
 "vi_nfd": unicodedata.normalize("NFD", "Ủy ban nhân dân Thành phố Hồ Chí Minh khen thưởng"),
 "tone_styles": "hòa hoà thủy thuỷ khỏe khoẻ Ủy Uỷ kĩ kỹ lí lý quí quý",
 "caps_dd": "ĐẢNG CỘNG SẢN Ðồng Tháp ðồng đồng Đà Nẵng",
 "codes": "Số 3815/KH-UBND, TP.HCM, 4.401 người, 1,5%, 12/5/2023, O'Neil, x:y",
 "soft_hyphen": "tinh\u00adgiản biên\u00adchế",
 "zero_width": "tinh\u200bgiản bi\u200cên ch\u200dế\u2060x \ufeffđầu",
 "bom": "\ufeffTiêu đề\nNội dung bài viết",
 "rtl": "\u200fhello \u202eabc\u202c \u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627",
 "combining_run": "a" + "\u0301" * 200 + " e\u0323\u0302 o\u031b\u0300",
 "enclosing": "a\u20dd b\u20de 1\u20e3",
 "supplementary_marks": "a\U0001d167 b\U0001e000 c\U000e0100 x\U0001f600y",
 "cjk_thai": "東京都 ภาษาไทยง่าย 한국어 テスト",
 "ligatures_fullwidth": "ﬁnance ＡＢＣ１２３ ½ ² ㎏ Ⅻ",
 "long_word": "a" * 70 + "\u0301 " + "đ" * 40 + " " + "ab" * 40,
 "greek_cyrillic": "Ελληνικά ΣΊΣΥΦΟΣ Кириллица ѐ",
 "mixed_ws": "a\tb\nc\r\nd\u00a0e\u2003f\u3000g\u2028h",
}
raw = {
 "invalid_bytes": b"ab\xffcd \xc3 \xe1\xba x\x80y",
 "overlong": b"\xc0\xaf \xe0\x80\xaf \xf0\x80\x80\xaf \xc1\xbf",
 "surrogate": b"lone \xed\xa0\x80 pair \xed\xa0\xbd\xed\xb8\x80 end",
 "above_max": b"\xf4\x90\x80\x80 \xf8\x88\x80\x80\x80",
 "nul_bytes": b"t\x00inh gi\xe1\xba\xa3n\x00\x00bi\xc3\xaan",
 "binary": bytes(range(256)),
}
for t in ("norm", "tok"):
    for k, v in text.items(): put(t, k, v)
    for k, v in raw.items(): put(t, k, v)

queries = {
 "words": "tinh giản biên chế", "unaccented": "tinh gian bien che",
 "phrase": "\"cải cách hành chính\" -\"chỉ số\"", "or": "a OR b c OR d",
 "title": "title:\"luật đất đai\" -title:x", "prefix": "bie* \"tinh gian bi\"* l*",
 "not": "y NOT NOT x", "lone_ops": "OR AND NOT - * \" title:",
 "fts5_syntax": "NEAR(a b, 3) ^x {title}: +x (x) a:b body:x",
 "sql": "'; DROP TABLE article; --", "html": "<script>alert(1)</script> &amp;",
 "unbalanced": "\"unclosed phrase", "quotes": "abc\"def ghi\"jk \"a\"\"b\"",
 "codes": "3815/KH-UBND TP.HCM QĐ-UBND 12/2023", "spaces": " \t\n\u00a0\u3000 ",
 "punct": ".,;!? … «»", "nfd": unicodedata.normalize("NFD", "Hà Nội"),
 "star_only": "*", "many_terms": " ".join("t%d" % i for i in range(200)),
}
for k, v in queries.items(): put("query", k, v)
put("query", "nul", b"ab\x00cd\x00\x00-e \"a\x00b\"")
put("query", "invalid", b"ab\xffcd \xc3 \xed\xa0\x80 \xc0\xaf")

dept = ("Văn phòng Sở Văn phòng Sở\n\nQuay lại\n\n"
        "Sở Nội vụ tổ chức hội nghị sơ kết công tác quý II\n\n"
        "Ngày 12 tháng 5 năm 2023, Sở Nội vụ tổ chức hội nghị tại hội trường.\n\n"
        "Quang cảnh hội nghị\n\n"
        "Đại biểu thảo luận về tinh giản biên chế và cải cách hành chính.\n\n"
        "Ngọc Lan\n\nDanh mục Danh mục")
simple = ("Kế hoạch chuyển đổi số năm 2024\n"
          "Thành phố ban hành kế hoạch số 12/KH-UBND ngày 03/01/2024.\n"
          "Nội dung gồm ba nhóm nhiệm vụ trọng tâm.\n")
put("extract", "dept_page", dept)
put("extract", "simple", simple)
put("extract", "crlf", simple.replace("\n", "\r\n"))
put("extract", "cr_only", simple.replace("\n", "\r"))
put("extract", "bom", "\ufeff" + simple)
put("extract", "whitespace_only", " \n\t\r\n\u00a0\u3000\ufeff\n")
put("extract", "chrome_only", "Quay lại\n\nDanh mục Danh mục\n")
put("extract", "dates", "Tiêu đề\nngày 31 tháng 2 năm 2023, 29/2/2024, 12-05-2023, 1/13/2022, 5/5/1899\n")
put("extract", "title_only", "Chỉ một dòng")
put("extract", "author_line", "Văn phòng Sở Văn phòng Sở\nQuay lại\nTiêu đề\nThân bài.\nNguyễn Văn A - Trần B\nDanh mục Danh mục")
put("extract", "invalid", b"Ti\xffu \xc3\n\xed\xa0\x80 body \xc0\xaf\n")

# ---- html, charset, telex (added when their headers landed) ----
page = ("<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
        "<title>Hội nghị sơ kết - Sở Nội vụ</title>"
        "<meta property=\"og:title\" content=\"Hội nghị sơ kết quý II\">"
        "<meta property=\"article:published_time\" content=\"2023-05-12T08:30:00+07:00\">"
        "<meta name=\"author\" content=\"Ngọc Lan\">"
        "<link rel=\"canonical\" href=\"/tin-tuc/hoi-nghi.html\">"
        "<meta property=\"og:url\" content=\"https://sonoivu.example.vn/tin-tuc/hoi-nghi.html\">"
        "</head><body><nav><a href=\"/\">Trang chủ</a> Quay lại</nav>"
        "<div id=\"main\" class=\"noi-dung content\"><article><h1>Hội nghị sơ kết quý II</h1>"
        "<p class=\"date\">Ngày đăng: 12/05/2023 08:30</p>"
        "<p>Sở Nội vụ tổ chức hội nghị về <b>tinh giản biên chế</b>.<br>Dòng hai.</p>"
        "<figure><img src=\"a.jpg\"><figcaption>Quang cảnh hội nghị</figcaption></figure>"
        "<p style=\"text-align:right\"><strong>Ngọc Lan</strong></p></article></div>"
        "<script>var x = '<p>không phải nội dung</p>';</script><footer>Danh mục</footer>"
        "</body></html>")
for sel in range(5):
    put("html", "page_sel%d" % sel, bytes([sel]) + page.encode())
put("html", "latin1_declared", b"\x00<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1258\"></head><body><p>Ha\xd2 N\xf4\xf2i</p></body></html>")
put("html", "nested", b"\x00" + b"<div>" * 300 + b"x" + b"</div>" * 300)
put("html", "entities", b"\x00<p>&amp;&lt;&#x1F600;&#0;&#xD800;&#99999999;&bogus;&nbsp;&#x110;</p>")
put("html", "xml_bomb", b"\x00<?xml version=\"1.0\"?><!DOCTYPE html [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]><html><body><p>&b;</p></body></html>")
put("html", "broken", b"\x00<html><body><p>kh\xc3\xb4ng \xc4\x91\xc3\xb3ng <div><table><tr><td>a<td>b</p></body")
put("html", "utf16", b"\x00\xff\xfe" + "<html><body><p>Chào</p></body></html>".encode("utf-16-le"))
for k, v in raw.items(): put("html", "raw_" + k, b"\x00" + v)

put("charset", "utf8_txt", b"\x00" + "Hà Nội mùa thu".encode())
put("charset", "utf8_bom", b"\x00\xef\xbb\xbf" + "Tiêu đề".encode())
put("charset", "utf16le", b"\x00\xff\xfe" + "Tiêu đề\n".encode("utf-16-le"))
put("charset", "utf16be", b"\x00\xfe\xff" + "Tiêu đề\n".encode("utf-16-be"))
put("charset", "utf32le", b"\x00\xff\xfe\x00\x00" + "Tiêu đề\n".encode("utf-32-le"))
put("charset", "cp1258", b"\x00" + "Hà Nội mùa thu, tinh giản biên chế năm nay".encode("cp1258", "replace"))
put("charset", "declared", b"\x01<meta charset=\"VISCII\"><p>Ha\xa5 N\xf4i</p>")
put("charset", "declared_unknown", b"\x01<meta http-equiv=\"content-type\" content=\"text/html; charset=x-bogus-42\"><p>x</p>")
put("charset", "xml_decl", b"\x01<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><p>caf\xe9</p>")
for k, v in raw.items(): put("charset", "raw_" + k, b"\x00" + v)

for k, v in {"telex": "tinhf giarn bieen chees dduwowngf nguyeenx", "vni": "tinh2 gia3n bie6n che61 d9u7o7ng2",
             "mixed": "title:tinhf -chees bieen* UBND OR news class too max", "upper": "TINHF Tinhf tIiNH",
             "plain": "tinh giản biên chế", "edge": "ww aa dd oo ee uow uwow qu gi ngh kh",
             "digits": "2023 a1 e6 o7 u7 d9 x0 9d", "long": "a" * 80 + "s"}.items():
    put("telex", k, v)
for k, v in raw.items(): put("telex", "raw_" + k, v)

# ---- http (the server's query strings) ----
qs = {"plain": "q=tinh+gi%E1%BA%A3n+bi%C3%AAn+ch%E1%BA%BF&since=2023&until=2023-12&sort=date&size=20&page=2",
      "script": "q=%3Cscript%3Ealert(1)%3C%2Fscript%3E%22%27%26amp%3B",
      "dates": "since=2024-02-29&until=2023-02-29&sort=date-asc",
      "bad_dates": "since=2023-13-01&until=1899&sort=x",
      "invalid_utf8": "q=%FF%FE%ED%A0%80&since=%00",
      "nul": "q=a%00b&sort=date%00",
      "ops": "q=%22c%E1%BA%A3i+c%C3%A1ch%22+-x+OR+title%3Ay*",
      "empty": "q=&since=&until=&sort=",
      "raw_utf8": "q=Hà Nội&sort=relevance",
      "dup": "q=a&q=b&&&=&q",
      # size= and page= at their bounds (page 20001 of 50 holds result 1000000)
      "paging_max": "q=a&size=50&page=20001",
      "paging_over": "q=a&size=50&page=20002",
      "size_big": "size=1000000&page=2",
      "size_over": "size=1000001",
      "zero": "size=0&page=0",
      "signs": "size=+5&page=-1",
      "digits19": "size=0000000000000000005",
      "overflow": "page=99999999999999999999999",
      "caseless": "Q=hoa&SIZE=7&Page=3&SoRt=date",
      "no_equals": "q&size&page&since&sort",
      "long_q": "q=" + "a" * 1000 + "&page=2",
      "too_long_q": "q=" + "a" * 1001}
for k, v in qs.items(): put("http", k, v)

# ---- regressions written by hand ----
put("tok", "fast_path_numbers", "Nhà B\ndiện tích 50m² rộng → tốt, ½ suất\n")
put("norm", "fast_path_numbers", "Nhà B\ndiện tích 50m² rộng → tốt, ½ suất\n")
