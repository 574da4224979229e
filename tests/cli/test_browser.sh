# The search page in headless Chromium (tests/browser/search_page.py,
# driven through the DevTools protocol with Python's standard library):
# typing, suggestions, the keyboard, results in place with <mark>, paging,
# history, hostile text, a phone-sized screen. Screenshots go next to the
# build (build/browser-search*.png), else to a temporary folder.
# Skipped, with a message, when Chromium is not installed.
. "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/../.."
CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if [ -z "$CHROMIUM" ]; then
    skip "browser test: chromium is not installed (apt-get install chromium)"
    exit 0
fi
command -v python3 >/dev/null || { skip "browser test: python3 is not installed"; exit 0; }
SHOTS=$(cd "$(dirname "$VNQUERY")/.." && pwd)
if ! [ -w "$SHOTS" ]; then SHOTS=$TMP; fi
DB=$TMP/browser.db
DOCS=$TMP/docs
PID=""
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$TMP"' EXIT
mkdir -p "$DOCS"
cp corpus/*.txt "$DOCS"/
# Hostile text, invented for this test.
cat >"$DOCS/2024-12-02-canh-bao-ma-doc.txt" <<'TXT'
Cảnh báo mã độc <script>window.__xss=3</script> trên cổng thông tin
Ngày 2/12/2024, bộ phận kỹ thuật phát hiện biểu mẫu bị chèn <img src=x onerror="window.__xss=1"> cùng <script>window.__xss=2</script> vào nội dung.
Hệ thống phải hiển thị nguyên văn các ký tự này; mã độc không được thực thi.
TXT
"$VNINDEX" --db "$DB" --base-url https://sonoivu.example.vn/luu-tru "$DOCS" >/dev/null 2>&1
equals "browser test: index built" "$?" 0
"$VNQUERY" serve --db "$DB" --listen 127.0.0.1:0 >"$TMP/serve.out" 2>"$TMP/serve.err" &
PID=$!
U=""
for _ in $(seq 1 200); do
    U=$(sed -n 's|^vnquery serve: listening on \(http://[^/]*\)/.*|\1|p' "$TMP/serve.out" 2>/dev/null)
    [ -n "$U" ] && break
    sleep 0.05
done
if [ -z "$U" ]; then
    fail "browser test: server started: $(head -c 400 "$TMP/serve.err")"
    exit 1
fi
pass "browser test: server started"
timeout 180 python3 tests/browser/search_page.py "$CHROMIUM" "$U" "$SHOTS"
echo "browser test: screenshots in $SHOTS: browser-search.png, browser-suggest.png, browser-search-phone.png"
kill -TERM "$PID"
wait "$PID"
equals "browser test: server stopped cleanly" "$?" 0
PID=""
