# `vnquery serve` end to end: a server on a free loopback port over an
# index of corpus/ plus an article full of HTML we wrote, every endpoint
# through curl: status codes, headers, JSON, escaping, bad input, path
# traversal, HEAD, a reindex while serving, limits on idle clients, and a
# graceful stop.
. "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/../.."
command -v curl >/dev/null || { skip "curl is not installed: no HTTP tests"; exit 0; }
STAFF=2023-07-20-tinh-gian-bien-che-2023-2026.txt
DB=$TMP/http.db
DOCS=$TMP/docs
PIDS=""
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done; rm -rf "$TMP"' EXIT
mkdir -p "$DOCS"
cp corpus/*.txt "$DOCS"/
# Hostile text, invented for this test: a title and body that would run
# script if they reached a page unescaped.
cat >"$DOCS/2024-12-02-canh-bao-ma-doc.txt" <<'EOF'
Cảnh báo mã độc <script>alert("xss")</script> trên cổng thông tin
Ngày 2/12/2024, bộ phận kỹ thuật phát hiện biểu mẫu góp ý bị chèn đoạn <img src=x onerror=alert(1)> cùng thẻ <script>document.title='hacked'</script> vào nội dung.
Hệ thống phải hiển thị nguyên văn những ký tự này và không bao giờ thực thi chúng; người dùng được khuyến cáo không mở liên kết lạ.
EOF
"$VNINDEX" --db "$DB" "$DOCS" >/dev/null 2>&1
equals "index built" "$?" 0

# start_server OUT ARGS...: run `vnquery serve` in the background; sets
# PID and U (its base URL) once it says where it listens.
start_server() {
    local out=$1; shift
    "$VNQUERY" serve --db "$DB" --listen 127.0.0.1:0 "$@" >"$out" 2>"$out.err" &
    PID=$!
    PIDS="$PIDS $PID"
    U=""
    for _ in $(seq 1 200); do
        U=$(sed -n 's|^vnquery serve: listening on \(http://[^/]*\)/.*|\1|p' "$out" 2>/dev/null)
        [ -n "$U" ] && return 0
        kill -0 "$PID" 2>/dev/null || break
        sleep 0.05
    done
    return 1
}

# get ARGS...: curl; body in $TMP/b, headers in $TMP/h; prints the status.
get() { curl -s -o "$TMP/b" -D "$TMP/h" -w '%{http_code}' "$@"; }
header() { sed -n "s/^$1: *//Ip" "$TMP/h" | tr -d '\r' | head -1; }
body() { cat "$TMP/b"; }
# jq_ok WHAT PYTHON: run PYTHON with d = the JSON body
jq_ok() {
    ok "$1" python3 -c "
import json, sys
d = json.load(open(sys.argv[1], encoding='utf-8'))
$2" "$TMP/b"
}

if ! start_server "$TMP/serve.out" --threads 2 --access-log "$TMP/access.log"; then
    fail "server starts and says where it listens: $(head -c 400 "$TMP/serve.out.err")"
    exit 1
fi
pass "server starts and says where it listens"
"$VNQUERY" serve --db "$DB" --listen "${U#http://}" >/dev/null 2>"$TMP/taken.err"
equals "a port already taken: exit 1 (and no crash under ASan)" "$?" 1
contains "a port already taken: says so" "$(cat "$TMP/taken.err")" "cannot listen on"
equals "libmicrohttpd has nothing to say at start" "$(grep -c libmicrohttpd "$TMP/serve.out.err")" 0
contains "listens on loopback" "$U" "http://127.0.0.1:"
# libmicrohttpd (and GnuTLS behind it) load only when serving, so that a
# command-line search does not pay for them
if command -v ldd >/dev/null; then
    equals "vnquery links neither libmicrohttpd nor GnuTLS" \
        "$(ldd "$VNQUERY" | grep -cE 'libmicrohttpd|libgnutls')" 0
fi

# ---- /healthz, /api/search ------------------------------------------------------------

equals "/healthz: 200" "$(get "$U/healthz")" 200
jq_ok "/healthz: ok with 31 articles" 'assert d["status"] == "ok" and d["articles"] == 31, d'
# The copy of the index in memory (serve_mem.h) loads in the background.
# wait_memory LOADS: until /healthz says that many loads are done.
wait_memory() {
    for _ in $(seq 1 150); do
        get "$U/healthz" >/dev/null
        python3 -c 'import json,sys; sys.exit(json.load(open(sys.argv[1]))["memory"]["loads"] < int(sys.argv[2]))' \
            "$TMP/b" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}
ok "/healthz: the index is loaded into memory" wait_memory 1
jq_ok "/healthz: memory enabled, ready, one load" '
m = d["memory"]; assert m["enabled"] and m["ready"] and m["loads"] == 1 and m["bytes"] > 0, d'
GEN0=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["memory"]["generation"])' "$TMP/b")

equals "search: 200" "$(get "$U/api/search?q=tinh+gian+bien+che")" 200
equals "search: JSON content type with charset" "$(header Content-Type)" "application/json; charset=utf-8"
jq_ok "search: staff-reduction article first, phrase marked" '
r = d["results"][0]
assert r["path"].endswith("'"$STAFF"'"), r["path"]
assert "<mark>tinh giản biên chế</mark>" in r["snippet"], r["snippet"]
assert d["page"] == 1 and d["size"] == 10 and d["pages"] == 1 and d["total"] >= 1, d'
cp "$TMP/b" "$TMP/api.json"
"$VNQUERY" --db "$DB" --json tinh gian bien che >"$TMP/cli.json"
ok "search: the JSON of vnquery --json plus page, size, pages" python3 -c '
import json, sys
a = json.load(open(sys.argv[1])); c = json.load(open(sys.argv[2]))
for k in ("page", "size", "pages"): a.pop(k)
a.pop("took_ms"); c.pop("took_ms")
assert a == c, (a, c)' "$TMP/api.json" "$TMP/cli.json"

get "$U/api/search?q=c%C3%B4ng+ch%E1%BB%A9c&size=3&page=2" >/dev/null
jq_ok "search: page 2 of 3 per page" '
assert d["offset"] == 3 and d["limit"] == 3 and d["page"] == 2 and d["size"] == 3, d
assert [r["rank"] for r in d["results"]] == [4, 5, 6], d["results"]
assert d["pages"] == (d["total"] + 2) // 3 and d["total"] > 6, d'
get "$U/api/search?q=c%C3%B4ng+ch%E1%BB%A9c&since=2024&size=50" >/dev/null
jq_ok "search: since=2024 keeps 2024 articles only" '
assert d["since"] == "2024-01-01" and d["results"], d
assert all(r["date"] >= "2024-01-01" for r in d["results"])'
get "$U/api/search?q=c%C3%B4ng+ch%E1%BB%A9c&until=2022-06&sort=date" >/dev/null
jq_ok "search: until=2022-06, newest first" '
ds = [r["date"] for r in d["results"]]
assert d["until"] == "2022-06-30" and d["sort"] == "date" and ds, d
assert all(x <= "2022-06-30" for x in ds) and ds == sorted(ds, reverse=True), ds'
get "$U/api/search?q=c%C3%B4ng&size=5000&utm_source=x&foo=" >/dev/null
jq_ok "search: size capped at 50, unknown parameters ignored" 'assert d["size"] == 50 and d["limit"] == 50, d'
get "$U/api/search?q=c%C3%B4ng&size=99999999999" >/dev/null
jq_ok "search: size 99999999999 capped at 50 too" 'assert d["size"] == 50 and d["limit"] == 50, d'
get "$U/api/search?q=zzzqqqxxx" >/dev/null
jq_ok "search: nothing found is 200 with total 0" 'assert d["total"] == 0 and d["pages"] == 0 and d["results"] == [], d'
get "$U/api/search?q=%22UBND%22" >/dev/null
n_quoted=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["total"])' "$TMP/b")
get "$U/api/search?q=UBND" >/dev/null
jq_ok "search: UBND also finds Ủy ban nhân dân (built-in synonyms)" "assert d['total'] > $n_quoted, d['total']"
get "$U/api/search?q=tinhf+giarn+bieen+chees" >/dev/null
jq_ok "search: Telex typed with the input method off is rescued" 'assert d["searched"] == "tình giản biên chế", d["searched"]'

# ---- bad input: 400 with a JSON error naming the parameter ---------------------------------

LONGQ=$(head -c 1001 /dev/zero | tr '\0' a)
while IFS='|' read -r what query field; do
    code=$(get "$U/api/search?$query")
    equals "400 for $what" "$code" 400
    jq_ok "400 for $what: JSON error names $field" '
assert d["field"] == "'"$field"'" and d["error"] and d["message"], d'
done <<EOF
q over 1000 bytes|q=$LONGQ|q
q not UTF-8|q=a%FFb|q
q with a NUL|q=a%00b|q
no q|page=2|q
month 13|q=a&since=2023-13|since
31 February|q=a&until=2023-02-31|until
a word for a date|q=a&until=yesterday|until
since after until|q=a&since=2024&until=2023|since
an unknown sort|q=a&sort=best|sort
a sort with a NUL|q=a&sort=date%00x|sort
a date with a NUL|q=a&since=2023%00-01|since
page 0|q=a&page=0|page
page not a number|q=a&page=2x|page
page past a million results|q=a&size=50&page=999999|page
size 0|q=a&size=0|size
size negative|q=a&size=-5|size
EOF
equals "q of exactly 1000 bytes is fine" "$(get "$U/api/search?q=$(head -c 1000 /dev/zero | tr '\0' a)")" 200
equals "suggest: q over 1000 bytes is 400" "$(get "$U/api/suggest?q=$LONGQ")" 400
equals "page: q not UTF-8 is 400" "$(get "$U/?q=%C3")" 400
contains "page: says why in Vietnamese" "$(body)" "không phải UTF-8"
equals "page: bad date is 400" "$(get "$U/?q=a&since=2023-99")" 400
contains "page: names the date field" "$(body)" "Ngày bắt đầu không hợp lệ"

# ---- /api/suggest ---------------------------------------------------------------------------

equals "suggest: 200" "$(get "$U/api/suggest?q=tinh+gian+bi")" 200
equals "suggest: JSON content type" "$(header Content-Type)" "application/json; charset=utf-8"
jq_ok "suggest: accent-free prefix completes to the phrase and its title" '
s = d["suggestions"]
assert 1 <= len(s) <= 10, s
assert s[0] == {"text": "tinh giản biên", "kind": "phrase"}, s
assert {"text": "tinh giản biên chế", "kind": "phrase"} in s, s
assert {"text": "Triển khai kế hoạch tinh giản biên chế giai đoạn 2023 - 2026", "kind": "title"} in s, s'
get "$U/api/suggest?q=BI%C3%8AN" >/dev/null
jq_ok "suggest: upper case with accents, last word as a prefix" '
t = [x["text"] for x in d["suggestions"]]
assert t and all("biên" in x.lower() for x in t), t'
get "$U/api/suggest?q=k%E1%BB%B9+n" >/dev/null
jq_ok "suggest: two words, the second a prefix" '
assert any(x["text"].startswith("kỹ năng") for x in d["suggestions"]), d'
get "$U/api/suggest?q=" >/dev/null
jq_ok "suggest: empty q, empty list" 'assert d == {"query": "", "suggestions": []}, d'
get "$U/api/suggest?q=qqxxzz" >/dev/null
jq_ok "suggest: no completion, empty list" 'assert d["suggestions"] == [], d'
get "$U/api/suggest?q=ph" >/dev/null
jq_ok "suggest: at most 10" 'assert len(d["suggestions"]) == 10, d'

# ---- the page -----------------------------------------------------------------------------------

equals "page: 200" "$(get "$U/")" 200
equals "page: HTML with charset" "$(header Content-Type)" "text/html; charset=utf-8"
page=$(body)
contains "page: Vietnamese" "$page" '<html lang="vi">'
contains "page: a GET form to the page itself" "$page" 'action="./" method="get"'
contains "page: labelled search box" "$page" '<label for="q"'
contains "page: combobox with a listbox" "$page" 'role="combobox"'
contains "page: responsive viewport" "$page" 'name="viewport"'
equals "page: one script, our own file" "$(grep -o '<script[^>]*>' "$TMP/b")" '<script src="static/app.js" defer>'
# relative addresses only, so that a site can serve the page under a
# path prefix (nginx: location /tim-kiem/ { proxy_pass http://127.0.0.1:8080/; })
equals "page: no address starts at the site's root" \
    "$(grep -oE '(href|src|action)="/[^"]*"' "$TMP/b" | head -3)" ""
equals "app.js: fetches relative to the page" \
    "$(curl -s "$U/static/app.js" | grep -oE "fetch\('[^']*" | sort -u | tr '\n' ' ')" \
    "fetch('api/search? fetch('api/suggest?q= "
equals "page: no inline handlers or styles" "$(grep -ciE '<[^>]+ (on[a-z]+|style)=' "$TMP/b")" 0
equals "page: nothing loaded from elsewhere" "$(grep -ciE '(src|href)="(https?:)?//' "$TMP/b")" 0

equals "page: results rendered without JavaScript" "$(get "$U/?q=tinh+gian+bien+che")" 200
page=$(body)
contains "page: the box keeps the query" "$page" 'value="tinh gian bien che"'
contains "page: the staff-reduction article" "$page" "Triển khai kế hoạch tinh giản biên chế"
contains "page: snippet marked" "$page" "<mark>tinh giản biên chế</mark>"
contains "page: count" "$page" "Tìm thấy <strong>"
contains "page: date shown the Vietnamese way" "$page" '<time datetime="2023-07-20">20/07/2023</time>'
get "$U/?q=c%C3%B4ng+ch%E1%BB%A9c&size=2&page=2&sort=date" >/dev/null
page=$(body)
contains "page: page links keep the filters" "$page" 'href="?q=c%C3%B4ng+ch%E1%BB%A9c&amp;sort=date&amp;size=2&amp;page=3"'
contains "page: current page marked" "$page" '<span aria-current="page">2</span>'
contains "page: sort kept in the form" "$page" '<option value="date" selected>'
contains "page: size kept in the form" "$page" '<input type="hidden" name="size" value="2">'
get "$U/?q=zzzqqqxxx" >/dev/null
contains "page: says when nothing matched" "$(body)" "Không tìm thấy kết quả nào cho <strong>zzzqqqxxx</strong>"

# ---- notices: what the search did instead of the text typed --------------------------------

# Telex typed with the input method off, a misspelt word, a wrong mark:
# whatever the JSON says was done (searched, suggestion, relaxed), the page
# says too, escaped; at least one of each appears across these.
for q in "tinhf+giarn+bieen+chees" "tinh+gian+bien+chw" "bi%C3%AAn+ch%C3%A8"; do
    get "$U/api/search?q=$q" >/dev/null
    cp "$TMP/b" "$TMP/n.json"
    get "$U/?q=$q" >/dev/null
    ok "notices for '$q': the page says what the JSON says" python3 -c '
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
page = open(sys.argv[2], encoding="utf-8").read()
def esc(s):
    return (s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\"", "&quot;").replace("\x27", "&#39;"))
for key, words in (("searched", "Đã tìm: <strong>"), ("suggestion", "Có phải bạn muốn tìm: <a")):
    if d[key] is None:
        assert words not in page, key
    else:
        assert words in page and "<strong>" + esc(d[key]) + "</strong>" in page, (key, d[key])
assert ("notice-relaxed" in page) == d["relaxed"], d["relaxed"]
with open(sys.argv[3], "a") as seen:
    seen.write(" ".join(k for k in ("searched", "suggestion", "relaxed") if d[k]) + "\n")' \
        "$TMP/n.json" "$TMP/b" "$TMP/seen"
done
seen=$(tr '\n' ' ' <"$TMP/seen")
contains "notices: 'Đã tìm' shown" "$seen" searched
contains "notices: 'Có phải bạn muốn tìm' shown" "$seen" suggestion
contains "notices: the accent-free retry shown" "$seen" relaxed

# ---- escaping: the hostile article and queries ---------------------------------------------------

for q in '<script>alert("xss")</script>' '<img src=x onerror=alert(1)>' "document.title='hacked'"; do
    enc=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote_plus(sys.argv[1]))' "$q")
    get "$U/api/search?q=$enc" >/dev/null
    jq_ok "XSS '$q': the article is found" '
assert any("Cảnh báo mã độc" in r["title"] for r in d["results"]), d'
    lacks "XSS '$q': no raw < in the JSON" "$(body)" "<"
    get "$U/?q=$enc" >/dev/null
    page=$(body)
    contains "XSS '$q': the page shows the title escaped" "$page" 'Cảnh báo mã độc &lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;'
    lacks "XSS '$q': no injected script tag" "$page" '<script>'
    lacks "XSS '$q': no injected img tag" "$page" '<img'
    lacks "XSS '$q': no raw quote in the box" "$page" "value=\"$q"
    get "$U/api/suggest?q=$enc" >/dev/null
    lacks "XSS '$q': no raw < in suggestions" "$(body)" "<"
done
get "$U/api/suggest?q=c%E1%BA%A3nh+b%C3%A1o" >/dev/null
jq_ok "XSS: the hostile title is a suggestion, as text" '
assert any("<script>" in s["text"] for s in d["suggestions"]), d'
lacks "XSS: and escaped in the JSON" "$(body)" "<script>"

# ---- headers on every response ----------------------------------------------------------------

for path in / "/?q=a" /api/search?q=a /api/search /api/suggest?q=a /healthz \
            /static/app.js /static/style.css /static/favicon.svg /nope /api/nope; do
    get "$U$path" >/dev/null
    contains "$path: Content-Type with charset" "$(header Content-Type)" "charset=utf-8"
    equals "$path: nosniff" "$(header X-Content-Type-Options)" nosniff
    contains "$path: CSP, own files only" "$(header Content-Security-Policy)" "default-src 'self'"
done
get -X POST "$U/api/search?q=a" >/dev/null
contains "405: CSP too" "$(header Content-Security-Policy)" "default-src 'self'"
csp=$(header Content-Security-Policy)
lacks "CSP: no unsafe-inline" "$csp" "unsafe-inline"
contains "CSP: scripts from us only" "$csp" "script-src 'self'"

# ---- embedded files, traversal, 404, 405, HEAD ------------------------------------------------------

equals "app.js: 200" "$(get "$U/static/app.js")" 200
equals "app.js: JavaScript" "$(header Content-Type)" "text/javascript; charset=utf-8"
cmp -s "$TMP/b" query/web/app.js
equals "app.js: the embedded file" "$?" 0
etag=$(header ETag)
equals "app.js: 304 for a matching If-None-Match" \
    "$(get -H "If-None-Match: $etag" "$U/static/app.js")" 304
equals "style.css: CSS" "$(get "$U/static/style.css")-$(header Content-Type)" "200-text/css; charset=utf-8"
for path in /../../etc/passwd /static/../../../../etc/passwd '/%2e%2e/%2e%2e/etc/passwd' \
            '/static/%2e%2e/%2e%2e/etc/passwd' '/static/..%2f..%2fetc%2fpasswd' //etc/passwd \
            /index.html /static/index.html /static/ /static /query/http.c /static/app.js/ \
            '/static/app.js%00.png' /STATIC/APP.JS /api /api/ /healthz/; do
    code=$(get --path-as-is "$U$path")
    equals "404 for $path" "$code" 404
    lacks "nothing leaked for $path" "$(body)" "root:"
done
for m in POST PUT DELETE PATCH OPTIONS; do
    equals "$m /: 405" "$(get -X "$m" "$U/")" 405
    equals "$m /: Allow: GET, HEAD" "$(header Allow)" "GET, HEAD"
done
equals "POST with a body: 405" "$(get --data-binary 'q=a' "$U/api/search")" 405
code=$(curl -s -I -o "$TMP/h" -w '%{http_code}' "$U/api/search?q=tinh")
equals "HEAD /api/search: 200" "$code" 200
equals "HEAD /api/search: JSON" "$(header Content-Type)" "application/json; charset=utf-8"
curl -s -I -o "$TMP/h" "$U/static/app.js"
equals "HEAD: the length of the GET body" "$(header Content-Length)" "$(wc -c <query/web/app.js | tr -d ' ')"
equals "HEAD: no body" "$(curl -s -I "$U/healthz" | grep -c '"status"')" 0

# ---- access log ---------------------------------------------------------------------------------

log=$(cat "$TMP/access.log")
contains "access log: one line per request" "$log" '"GET /api/search?q=tinh+gian+bien+che HTTP/1.1" 200'
contains "access log: 405s too" "$log" '"DELETE / HTTP/1.1" 405'

# ---- reindexing while serving ------------------------------------------------------------------

NEW=$DOCS/2025-01-09-hoi-thao-luu-tru-so.txt
get "$U/api/search?q=9917%2FSNV-LT" >/dev/null
jq_ok "reindex: the new code is not there yet" 'assert d["total"] == 0, d'
(for i in $(seq 1 40); do
    curl -s -o /dev/null -w '%{http_code}\n' "$U/api/search?q=c%C3%B4ng+ch%E1%BB%A9c&page=$((i % 3 + 1))"
done >"$TMP/during") &
loop=$!
cat >"$NEW" <<'EOF'
Hội thảo lưu trữ số năm 2025
Ngày 9/1/2025, Sở Nội vụ tổ chức hội thảo về lưu trữ số theo Kế hoạch 9917/SNV-LT.
Các đại biểu thảo luận cách số hóa hồ sơ công chức và bảo quản tài liệu điện tử lâu dài.
EOF
"$VNINDEX" --db "$DB" "$DOCS" >/dev/null 2>&1
equals "reindex: vnindex exit 0 while serving" "$?" 0
wait "$loop"
equals "reindex: every request during it answered 200" "$(sort -u "$TMP/during" | tr '\n' ' ')" "200 "
get "$U/api/search?q=9917%2FSNV-LT" >/dev/null
jq_ok "reindex: new article found without a restart" '
assert d["total"] == 1 and d["results"][0]["path"].endswith("2025-01-09-hoi-thao-luu-tru-so.txt"), d'
get "$U/healthz" >/dev/null
jq_ok "reindex: healthz counts it" 'assert d["articles"] == 32, d'
# Titles are read again at most every 5 s, so allow up to 7.
for _ in $(seq 1 35); do
    get "$U/api/suggest?q=hoi+thao+luu" >/dev/null
    grep -q "Hội thảo lưu trữ số năm 2025" "$TMP/b" && break
    sleep 0.2
done
jq_ok "reindex: its title is suggested" '
assert {"text": "Hội thảo lưu trữ số năm 2025", "kind": "title"} in d["suggestions"], d'
rm -f "$NEW"
"$VNINDEX" --db "$DB" "$DOCS" >/dev/null 2>&1
get "$U/api/search?q=9917%2FSNV-LT" >/dev/null
jq_ok "reindex: a removed article is gone at once" 'assert d["total"] == 0, d'
(for i in $(seq 1 40); do
    curl -s -o /dev/null -w '%{http_code}\n' "$U/api/search?q=tinh+gian&size=$((i % 5 + 1))"
    curl -s -o /dev/null -w '%{http_code}\n' "$U/api/suggest?q=tinh+g"
done >"$TMP/during") &
loop=$!
"$VNINDEX" --db "$DB" --rebuild "$DOCS" >/dev/null 2>&1
equals "rebuild: vnindex --rebuild exit 0 while serving" "$?" 0
wait "$loop"
equals "rebuild: every request during it answered 200" "$(sort -u "$TMP/during" | tr '\n' ' ')" "200 "
get "$U/api/search?q=tinh+gian+bien+che" >/dev/null
jq_ok "rebuild: searches work after it" '
assert d["results"][0]["path"].endswith("'"$STAFF"'"), d'

# ---- the copy in memory after reindexing, and without it ------------------------------------------

ok "reindex: the copy in memory is loaded again" wait_memory 2
jq_ok "reindex: a copy of another generation" 'assert d["memory"]["generation"] != '"$GEN0"', d'
# Every answer the same as a server that ranks through FTS5 only: a
# server with its copy loaded (no result cache) against one without.
A=$U A_PID=$PID
ok "a server with its copy in memory starts" start_server "$TMP/mem.out" --threads 1 --cache 0
M=$U M_PID=$PID
ok "its copy loads" wait_memory 1
ok "a server with --no-memory starts" start_server "$TMP/nomem.out" --threads 1 --no-memory --cache 0
N=$U N_PID=$PID
get "$N/healthz" >/dev/null
jq_ok "--no-memory: healthz says so" 'assert d["memory"] == {"enabled": False, "ready": False,
    "generation": 0, "bytes": 0, "loads": 0, "load_ms": 0, "searches": 0}, d'
same=0
for q in "tinh+gian+bien+che" "cong+chuc" "c%C3%B4ng+ch%E1%BB%A9c&page=2" "%22bien+che%22" \
    "tinh+-bien" "UBND+OR+HDND" "bien&sort=date" "can+bo&since=2024&until=2024-12" \
    "title%3Atinh" "bie*" "so+noi+vu&size=3&page=3"; do
    curl -s "$M/api/search?q=$q" | python3 -c 'import json,sys; d=json.load(sys.stdin); d.pop("took_ms"); print(json.dumps(d, sort_keys=True))' >"$TMP/with"
    curl -s "$N/api/search?q=$q" | python3 -c 'import json,sys; d=json.load(sys.stdin); d.pop("took_ms"); print(json.dumps(d, sort_keys=True))' >"$TMP/without"
    if cmp -s "$TMP/with" "$TMP/without" && grep -q '"total"' "$TMP/with"; then
        same=$((same + 1))
    else
        fail "memory and FTS5 answer $q alike: $(diff "$TMP/with" "$TMP/without" | head -c 600)"
    fi
done
equals "memory and FTS5: 11 searches answered alike" "$same" 11
get "$M/healthz" >/dev/null
# title: and prefixes go to FTS5; the other searches went through the copy
jq_ok "the copy answered most of them" 'assert d["memory"]["searches"] >= 7, d'
for p in "$M_PID" "$N_PID"; do
    kill -TERM "$p"
    wait "$p"
    equals "second servers: exit 0" "$?" 0
done
U=$A PID=$A_PID

# ---- libmicrohttpd's own complaints: ours, and not a flood ---------------------------------------------

python3 - "$U" <<'PY'
import socket, sys
host, port = sys.argv[1].rsplit("/", 1)[-1].rsplit(":", 1)
for i in range(40):
    s = socket.create_connection((host, int(port)), timeout=5)
    s.sendall(b"GET /healthz HTTP/2.0\r\nHost: x\r\n\r\n" if i % 2 else
              b"GET /healthz HTTP/1.1\r\nHost: x\r\nbroken header line\r\n\r\n")
    try:
        s.recv(4096)
    except OSError:
        pass
    s.close()
PY
sleep 0.5
n_mhd=$(grep -c 'libmicrohttpd' "$TMP/serve.out.err")
ok "40 malformed requests: libmicrohttpd said something ($n_mhd lines)" test "$n_mhd" -ge 1
ok "40 malformed requests: at most 10 lines of it a minute ($n_mhd)" test "$n_mhd" -le 10
equals "40 malformed requests: every line on stderr is ours" \
    "$(grep -vc '^vnquery serve: ' "$TMP/serve.out.err")" 0
equals "after them, the server answers" "$(get "$U/healthz")" 200

# ---- stopping -----------------------------------------------------------------------------------------

kill -TERM "$PID"
wait "$PID"
equals "SIGTERM: exit 0 (and no leak under ASan)" "$?" 0
contains "SIGTERM: says it stopped" "$(cat "$TMP/serve.out.err")" "vnquery serve: stopped"
equals "SIGTERM: nothing listens afterwards" "$(get "$U/healthz")" 000

# Seven searches sent at once on open connections, SIGTERM right behind
# them: each must be answered in full; meanwhile new connections are
# refused, and an eighth, idle, connection does not hold the stop up.
ok "uncached server starts" start_server "$TMP/grace.out" --threads 2 --cache 0
t0=$(date +%s%N)
python3 - "$U" "$PID" >"$TMP/grace" 2>&1 <<'EOF'
import json, os, signal, socket, sys, time
host, port = sys.argv[1].rsplit("/", 1)[1].split(":")
port, pid = int(port), int(sys.argv[2])

def answer(s):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(65536)
        if not chunk:
            return b"", b""
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    n = [int(l.split(b":")[1]) for l in head.split(b"\r\n") if l.lower().startswith(b"content-length:")]
    while n and len(body) < n[0]:
        chunk = s.recv(65536)
        if not chunk:
            break
        body += chunk
    return head, body if n and len(body) == n[0] else b""

conns = []
for i in range(8):
    s = socket.create_connection((host, port))
    s.settimeout(15)
    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    assert answer(s)[0].startswith(b"HTTP/1.1 200")
    conns.append(s)
idle = conns.pop()
for i, s in enumerate(conns):
    s.sendall(b"GET /api/search?q=c%%C3%%B4ng+ch%%E1%%BB%%A9c&size=%d HTTP/1.1\r\nHost: x\r\n\r\n" % (40 + i))
os.kill(pid, signal.SIGTERM)
time.sleep(0.2)
try:
    socket.create_connection((host, port), timeout=2).close()
    print("ACCEPTED a new connection while stopping")
except OSError:
    print("REFUSED")
whole = 0
for s in conns:
    head, body = answer(s)
    if head.startswith(b"HTTP/1.1 200") and body and json.loads(body)["results"]:
        whole += 1
print("WHOLE %d of %d" % (whole, len(conns)))
EOF
out=$(cat "$TMP/grace")
contains "SIGTERM: searches in progress answered in full" "$out" "WHOLE 7 of 7"
contains "SIGTERM: new connections refused while stopping" "$out" "REFUSED"
stopped=1
for _ in $(seq 1 300); do kill -0 "$PID" 2>/dev/null || { stopped=0; break; }; sleep 0.05; done
equals "SIGTERM: the server stops, idle connection or not" "$stopped" 0
wait "$PID"
equals "SIGTERM: exit 0 after answering" "$?" 0
ms=$((($(date +%s%N) - t0) / 1000000))
ok "SIGTERM: all done within 8 s (${ms} ms)" test "$ms" -lt 8000

# ---- idle clients cannot hold the server ------------------------------------------------------------

ok "server with --timeout 1 --per-ip 3 starts" start_server "$TMP/slow.out" --threads 1 --timeout 1 --per-ip 3 --cache 0
ok "idle and half-sent connections are closed, the server still answers" python3 - "$U" <<'EOF'
import socket, sys, time, urllib.request
host, port = sys.argv[1].rsplit("/", 1)[1].split(":")
idle = []
for i in range(3):                      # fill the per-IP allowance
    s = socket.create_connection((host, int(port)))
    if i == 0:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")   # never finished
    idle.append(s)
time.sleep(0.3)
extra = socket.create_connection((host, int(port)))     # a fourth: refused
extra.settimeout(3)
extra.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
try:
    assert extra.recv(100) == b"", "a connection over the per-IP limit was served"
except ConnectionResetError:
    pass
for s in idle:                          # the timeout closes all of them
    s.settimeout(5)
    t0 = time.time()
    try:
        data = s.recv(100)
    except ConnectionResetError:
        data = b""
    assert data == b"" or data.startswith(b"HTTP/1.1 408"), data
    assert time.time() - t0 < 4.5, "an idle connection was kept"
time.sleep(0.2)
with urllib.request.urlopen(sys.argv[1] + "/healthz", timeout=5) as r:
    assert r.status == 200
EOF
kill -TERM "$PID"
wait "$PID"
equals "limited server: exit 0" "$?" 0

# ---- 200 slow clients at once: the others are still answered -------------------------------------------

ok "server with --threads 2 --per-ip 1000 starts" start_server "$TMP/many.out" --threads 2 --per-ip 1000 --timeout 30 --cache 0
ok "200 half-sent requests from 127.0.0.2 open; searches from 127.0.0.1 answered in time" python3 - "$U" <<'EOF'
import socket, sys, time, urllib.request
host, port = sys.argv[1].rsplit("/", 1)[1].split(":")
slow = []
for i in range(200):                    # each sends a little and stops
    s = socket.socket()
    s.bind(("127.0.0.2", 0))
    s.connect((host, int(port)))
    s.sendall(b"GET /api/search?q=c%C3%B4ng HTTP/1.1\r\nHost: x\r\n")
    slow.append(s)
time.sleep(0.5)
worst = 0.0
for q in ("c%C3%B4ng+ch%E1%BB%A9c", "tinh+gian+bien+che", "UBND", "n%E1%BB%99i+v%E1%BB%A5"):
    t0 = time.time()
    with urllib.request.urlopen(sys.argv[1] + "/api/search?q=" + q, timeout=10) as r:
        assert r.status == 200 and b'"results"' in r.read()
    worst = max(worst, time.time() - t0)
assert worst < 3.0, "a search took %.1f s with 200 slow clients open" % worst
for s in slow[:5]:                      # the slow ones, once finished, are served too
    s.sendall(b"\r\n")
    s.settimeout(10)
    assert s.recv(12).startswith(b"HTTP/1.1 200"), "a slow client was not served"
for s in slow:
    s.close()
EOF
kill -TERM "$PID"
wait "$PID"
equals "server after 200 slow clients: exit 0" "$?" 0

# ---- --max-connections: the next client waits its turn -------------------------------------------

# max_conn_waits THREADS: with --max-connections 2 and two idle
# connections, a third client waits, and is answered once one closes
# (with a pool, libmicrohttpd splits its own limit among the threads)
max_conn_waits() {
    ok "server with --max-connections 2, --threads $1 starts" start_server "$TMP/max.out" \
        --threads "$1" --max-connections 2 --no-memory
    python3 - "$U" >"$TMP/max" 2>&1 <<'PY'
import socket, sys, time
host, port = sys.argv[1].rsplit("/", 1)[-1].rsplit(":", 1)
idle = [socket.create_connection((host, int(port)), timeout=5) for _ in range(2)]
time.sleep(0.3)
third = socket.create_connection((host, int(port)), timeout=5)
third.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
third.settimeout(1.0)
try:
    got = third.recv(100)
    print("early:", got[:40])  # answered (or dropped: b'') while two were open
except socket.timeout:
    print("waited")
idle[0].close()
third.settimeout(5)
data = b""
while True:
    b = third.recv(4096)
    if not b:
        break
    data += b
print("then:", data.split(b"\r\n")[0].decode())
PY
    contains "--threads $1: a third client waits while two connections are open" "$(cat "$TMP/max")" "waited"
    contains "--threads $1: and is answered once one closes" "$(cat "$TMP/max")" "then: HTTP/1.1 200 OK"
    kill -TERM "$PID"
    wait "$PID"
    equals "--max-connections 2, --threads $1: exit 0" "$?" 0
}
max_conn_waits 1
max_conn_waits 2

# SIGTERM while the acceptor waits for room: it stops at once, not never
ok "server with --max-connections 2 starts again" start_server "$TMP/max2.out" --threads 1 --max-connections 2 --no-memory
python3 - "$U" >/dev/null 2>&1 <<'PY' &
import socket, sys, time
host, port = sys.argv[1].rsplit("/", 1)[-1].rsplit(":", 1)
idle = [socket.create_connection((host, int(port)), timeout=5) for _ in range(2)]
time.sleep(4)
PY
HOLD=$!
sleep 0.5
kill -TERM "$PID"
for _ in $(seq 30); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
gone=yes; kill -0 "$PID" 2>/dev/null && gone=no
equals "SIGTERM with the connections full: stopped within 3 s" "$gone" yes
[ "$gone" = yes ] || kill -KILL "$PID"
wait "$PID"
equals "SIGTERM with the connections full: exit 0" "$?" 0
wait "$HOLD"

# ---- the command line ---------------------------------------------------------------------------------

out=$("$VNQUERY" serve --help); rc=$?
equals "--help: exit 0" "$rc" 0
contains "--help: usage" "$out" "Usage: vnquery serve"
"$VNQUERY" serve --threads 0 >/dev/null 2>"$TMP/e"
equals "--threads 0: exit 2" "$?" 2
contains "--threads 0: says why" "$(cat "$TMP/e")" "--threads wants a number"
"$VNQUERY" serve --listen nowhere >/dev/null 2>"$TMP/e"
equals "--listen without a port: exit 2" "$?" 2
"$VNQUERY" serve --bogus >/dev/null 2>"$TMP/e"
equals "unknown option: exit 2" "$?" 2
"$VNQUERY" serve --db "$TMP/none.db" --listen 127.0.0.1:0 >/dev/null 2>"$TMP/e"
equals "missing index: exit 3" "$?" 3
contains "missing index: says so" "$(cat "$TMP/e")" "no index at"
"$VNQUERY" serve --db "$DB" --listen 127.0.0.1:0 --access-log "$TMP/no/such/dir/log" >/dev/null 2>"$TMP/e"
equals "unwritable access log: exit 1" "$?" 1
