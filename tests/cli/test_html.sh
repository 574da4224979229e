# Saved HTML pages and files in other encodings, end to end: vnindex reads
# the fixture pages of tests/cases/html/ and files encoded here with iconv
# (windows-1258, TCVN3, VISCII, UTF-16), vnquery finds them with the right
# fields, and the portal's chrome is never indexed.
. "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/../.."
DB=$TMP/html.db
A=$TMP/pages
mkdir -p "$A/enc"
cp tests/cases/html/*.html "$A/"
cp tests/cases/html/table-layout.html "$A/BANG-CU.HTM"
rm "$A/table-layout.html"

# Text we write, re-encoded: a page that declares its charset, a .txt that
# does not (the detector must find it), a UTF-16 file with its BOM.
s1='Ủy ban phường tổ chức hội nghị zzzmot tổng kết công tác năm, biểu dương những tập thể xuất sắc.'
s2='Đồng chí Nguyễn Thị Hồng phát biểu: người dân được hướng dẫn khai báo trực tuyến zzzhai.'
s3='Thuở ấy, ngoài ruộng lúa, các cụ kể chuyện khuyến học zzzba cho con cháu nghe.'
page() { printf '<html><head><meta charset="%s"><title>%s</title></head><body><p>%s</p><p>%s</p></body></html>\n' "$1" "$2" "$s1" "$3"; }
page windows-1258 'Trang mã Windows-1258' "$s2" | iconv -f UTF-8 -t CP1258 >"$A/enc/cp1258.html"
page viscii 'Trang mã VISCII' "$s3" | iconv -f UTF-8 -t VISCII >"$A/enc/viscii.html"
printf 'Bài mã TCVN3\n%s\n%s\n' "$s1" "$s3" | iconv -f UTF-8 -t TCVN5712-1 >"$A/enc/tcvn3.txt"
printf 'Bài mã Windows-1258 không khai báo\n%s\n%s\n' "$s2" "$s3" | iconv -f UTF-8 -t CP1258 >"$A/enc/cp1258.txt"
{ printf '\xff\xfe'; printf 'Bài UTF-16\n%s\n' "$s2" | iconv -f UTF-8 -t UTF-16LE; } >"$A/enc/utf16.txt"
# bytes no charset explains: replaced and reported, as before
printf 'Bài byte hỏng\nCâu có byte lạ \xff ở giữa zzzbon về hội nghị chuyên đề.\n' >"$A/enc/hong.txt"

out=$("$VNINDEX" --db "$DB" "$A" 2>&1); rc=$?
equals "index: exit 1 (one file has bad bytes)" "$rc" 1
contains "index: every page and file added" "$out" "10 added, 0 updated, 0 removed, 0 unchanged, 0 failed"
contains "undeclared TCVN3 detected and said so" "$out" "tcvn3.txt: no charset declared, decoded as TCVN3 (detected)"
contains "undeclared windows-1258 detected and said so" "$out" "cp1258.txt: no charset declared, decoded as windows-1258 (detected)"
contains "undetectable bytes replaced and reported" "$out" "hong.txt: 1 invalid UTF-8 sequences replaced by U+FFFD"
lacks "declared charsets need no word" "$out" "cp1258.html"

# field PATH-SUFFIX NAME QUERY...: the field of the result whose path ends so
field() {
    local suffix=$1 name=$2; shift 2
    "$VNQUERY" --db "$DB" --json --limit 50 "$@" | python3 -c '
import json, sys
suffix, name = sys.argv[1], sys.argv[2]
for r in json.load(sys.stdin)["results"]:
    if r["path"].endswith(suffix):
        v = r[name]
        print("null" if v is None else v)
        break
else:
    print("(not found)")' "$suffix" "$name"
}
hits() { "$VNQUERY" --db "$DB" --json --limit 50 "$@" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])'; }

# The fixture pages: title, date, author, url as the unit tests expect
equals "portal page: title" "$(field /portal-article.html title hồ sơ điện tử)" \
    "Sở Nội vụ tập huấn quản lý hồ sơ điện tử cho công chức cấp xã"
equals "portal page: date from its date line" "$(field /portal-article.html date hồ sơ điện tử)" 2024-03-14
equals "portal page: author" "$(field /portal-article.html author hồ sơ điện tử)" "Minh Châu"
equals "og page: title" "$(field /og-meta.html title văn thư giỏi)" 'Hội thi "Văn thư giỏi" năm 2023 thu hút 48 thí sinh'
equals "og page: date" "$(field /og-meta.html date văn thư giỏi)" 2023-11-20
equals "og page: canonical url" "$(field /og-meta.html url văn thư giỏi)" \
    "https://sonoivu.example.gov.vn/tin-tuc/hoi-thi-van-thu-gioi-2023.html"
equals "broken page: title" "$(field /broken.html title công nghệ số cộng đồng)" \
    "Phường 9 ra mắt tổ công nghệ số cộng đồng"
equals "broken page: author from its credit line" "$(field /broken.html author công nghệ số cộng đồng)" "Bảo Ngọc"
equals "table page (.HTM): title" "$(field /BANG-CU.HTM title nghỉ hưu)" \
    "Trao quyết định nghỉ hưu cho ba công chức năm 2021"
equals "table page (.HTM): date" "$(field /BANG-CU.HTM date nghỉ hưu)" 2021-06-05

# The article text is found, the portal's chrome is not
equals "caption indexed" "$(hits quang cảnh lớp tập huấn)" 1
equals "text split by <br> indexed" "$(hits sinh hoạt tại khu dân cư)" 1
for chrome in "Văn bản chỉ đạo điều hành" "Lượt truy cập" "Tin liên quan" "Hoa Sứ" \
              "Thống kê truy cập" "Thăm dò ý kiến" "Chia sẻ" "Tiêu đề trong JSON" \
              "Cổng thông tin Chính phủ" "Về đầu trang" "Facebook" "Bản quyền"; do
    equals "chrome not indexed: $chrome" "$(hits "\"$chrome\"")" 0
done
snip=$("$VNQUERY" --db "$DB" --json "Trần Văn Lực" | python3 -c 'import json,sys; print(json.load(sys.stdin)["results"][0]["snippet"])')
lacks "snippet: no markup" "$snip" "<FONT"
contains "snippet: the sentence reads on" "$snip" "ghi nhận những đóng góp"

# Encodings: each file's words, typed in UTF-8, find it; titles are exact
equals "windows-1258 page: title" "$(field /enc/cp1258.html title zzzhai)" "Trang mã Windows-1258"
equals "VISCII page: title" "$(field /enc/viscii.html title zzzba)" "Trang mã VISCII"
equals "TCVN3 text: title" "$(field /enc/tcvn3.txt title zzzmot)" "Bài mã TCVN3"
equals "windows-1258 text: title" "$(field /enc/cp1258.txt title zzzhai)" "Bài mã Windows-1258 không khai báo"
equals "UTF-16 text: title" "$(field /enc/utf16.txt title zzzhai)" "Bài UTF-16"
equals "'Nguyễn Thị Hồng' finds the three files that hold it" "$(hits '"Nguyễn Thị Hồng"')" 3
equals "'khuyến học' (ươ, uyê) finds three files" "$(hits khuyến học)" 3
equals "accent-free search works on decoded text" "$(hits nguyen thi hong)" 3
snip=$("$VNQUERY" --db "$DB" --json zzzhai "Đồng chí" | python3 -c '
import json, sys, unicodedata
for r in json.load(sys.stdin)["results"]:
    s = r["snippet"].replace("<mark>", "").replace("</mark>", "")
    print("NFC" if unicodedata.is_normalized("NFC", s) else "not NFC: " + ascii(s))')
lacks "decoded windows-1258 text is stored NFC" "$snip" "not NFC"

# A second run reads nothing again
out=$("$VNINDEX" --db "$DB" "$A" 2>&1)
contains "second run: all unchanged" "$out" "0 added, 0 updated, 0 removed, 10 unchanged, 0 failed"

# --content-selector, where vnindex has it
if "$VNINDEX" --help | grep -q -- --content-selector; then
    out=$("$VNINDEX" --db "$TMP/sel.db" --content-selector "//div[@id='noidung']/p[1]" \
          "$A/portal-article.html" 2>&1); rc=$?
    equals "--content-selector: exit 0" "$rc" 0
    equals "--content-selector: the selected paragraph is indexed" \
        "$("$VNQUERY" --db "$TMP/sel.db" --json "thống kê" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')" 1
    equals "--content-selector: the others are not" \
        "$("$VNQUERY" --db "$TMP/sel.db" --json "Quang cảnh" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')" 0
    # Another selector, or none, reads the folder again; the same does not.
    S=$TMP/selpages SEL="//div[@id='noidung']/p[1]"
    mkdir -p "$S"
    cp "$A/portal-article.html" "$S/"
    "$VNINDEX" --db "$TMP/sel3.db" --content-selector "$SEL" "$S" >/dev/null 2>&1
    equals "selector: text outside it not indexed" "$(total "$TMP/sel3.db" "số hóa")" 0
    out=$("$VNINDEX" --db "$TMP/sel3.db" "$S" 2>&1)
    contains "selector dropped: the page is read again" "$out" "0 added, 1 updated, 0 removed, 0 unchanged"
    equals "selector dropped: the whole article indexed" "$(total "$TMP/sel3.db" "số hóa")" 1
    out=$("$VNINDEX" --db "$TMP/sel3.db" "$S" 2>&1)
    contains "no selector again: nothing read" "$out" "0 added, 0 updated, 0 removed, 1 unchanged"
    out=$("$VNINDEX" --db "$TMP/sel3.db" --content-selector "$SEL" "$S" 2>&1)
    contains "selector back: read again" "$out" "0 added, 1 updated, 0 removed, 0 unchanged"
    equals "selector back: only the selection indexed" "$(total "$TMP/sel3.db" "số hóa")" 0
    out=$("$VNINDEX" --db "$TMP/sel3.db" --content-selector "$SEL" "$S" 2>&1)
    contains "same selector: nothing read" "$out" "0 added, 0 updated, 0 removed, 1 unchanged"
    out=$("$VNINDEX" --db "$TMP/sel2.db" --content-selector "//div[" "$A" 2>&1); rc=$?
    equals "bad --content-selector: exit 2" "$rc" 2
    contains "bad --content-selector: named" "$out" "bad XPath in content selector '//div['"
    # A selector set on a subfolder: --rebuild of the folder above reads
    # that subfolder with it; a run on the folder above without one reads
    # the subfolder again, without it; a run on the subfolder then sees
    # the change.
    K=$TMP/selk
    mkdir -p "$K/sub"
    cp "$A/portal-article.html" "$K/sub/"
    KDB=$TMP/selk.db
    "$VNINDEX" --db "$KDB" --quiet --content-selector "$SEL" "$K/sub"
    "$VNINDEX" --db "$KDB" --quiet --rebuild "$K"
    equals "selector on a subfolder: --rebuild of the folder above keeps it" "$(total "$KDB" "số hóa")" 0
    out=$("$VNINDEX" --db "$KDB" "$K" 2>&1)
    contains "the folder above, without a selector: the subfolder read again" "$out" \
        "0 added, 1 updated, 0 removed, 0 unchanged"
    equals "the folder above, without a selector: the whole article" "$(total "$KDB" "số hóa")" 1
    out=$("$VNINDEX" --db "$KDB" --content-selector "$SEL" "$K/sub" 2>&1)
    contains "the subfolder with its selector again: read again" "$out" \
        "0 added, 1 updated, 0 removed, 0 unchanged"
    equals "the subfolder with its selector again: only the selection" "$(total "$KDB" "số hóa")" 0
else
    skip "--content-selector: vnindex has no such option yet"
fi
