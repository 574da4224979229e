#!/usr/bin/env python3
"""The search page in a real browser: headless Chromium driven through its
DevTools protocol over --remote-debugging-pipe (Python's standard library
only: no websocket, no npm).

    search_page.py CHROMIUM BASE_URL SCREENSHOT_DIR

BASE_URL is a running `vnquery serve` over an index of corpus/. Prints
PASS:/FAIL: lines like the shell tests (tests/cli/lib.sh); exits 1 when a
check failed, 2 when the browser could not be driven at all.
"""
import base64
import fcntl
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

STAFF_TITLE = "Triển khai kế hoạch tinh giản biên chế giai đoạn 2023 - 2026"
# test_browser.sh indexes with --base-url BASE_URL
STAFF_URL = "https://sonoivu.example.vn/luu-tru/2023-07-20-tinh-gian-bien-che-2023-2026.txt"


class CDP:
    """Chromium with its DevTools protocol on file descriptors 3 (commands
    in) and 4 (replies out): JSON messages ended by a NUL byte."""

    def __init__(self, chromium, profile, log):
        cmd_r, self.cmd_w = os.pipe()
        self.res_r, res_w = os.pipe()
        # The child's ends, moved above 4 so that dup2 onto 3 and 4 is safe.
        child_r = fcntl.fcntl(cmd_r, fcntl.F_DUPFD_CLOEXEC, 10)
        child_w = fcntl.fcntl(res_w, fcntl.F_DUPFD_CLOEXEC, 10)
        os.close(cmd_r)
        os.close(res_w)

        def pipes():
            os.dup2(child_r, 3)
            os.dup2(child_w, 4)

        self.proc = subprocess.Popen(
            [chromium, "--headless=new", "--no-sandbox", "--disable-gpu",
             "--remote-debugging-pipe", "--user-data-dir=" + profile, "--no-first-run",
             "--no-default-browser-check", "--disable-extensions", "--disable-sync",
             "--disable-background-networking", "--disable-component-update",
             "--mute-audio", "--hide-scrollbars", "--disable-dev-shm-usage", "--lang=vi",
             "--window-size=1280,900",
             "about:blank"],
            stdin=subprocess.DEVNULL, stdout=log, stderr=log, preexec_fn=pipes,
            close_fds=False)
        os.close(child_r)
        os.close(child_w)
        self.next_id = 0
        self.replies = {}
        self.events = []
        self.cond = threading.Condition()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.session = None

    def _read(self):
        buf = b""
        while True:
            chunk = os.read(self.res_r, 1 << 16)
            if not chunk:
                break
            buf += chunk
            while b"\0" in buf:
                raw, buf = buf.split(b"\0", 1)
                msg = json.loads(raw)
                with self.cond:
                    if "id" in msg:
                        self.replies[msg["id"]] = msg
                    else:
                        self.events.append(msg)
                    self.cond.notify_all()
        with self.cond:
            self.closed = True
            self.cond.notify_all()

    def send(self, method, params=None, session=True, timeout=20):
        with self.cond:
            self.next_id += 1
            mid = self.next_id
        msg = {"id": mid, "method": method, "params": params or {}}
        if session and self.session:
            msg["sessionId"] = self.session
        os.write(self.cmd_w, json.dumps(msg).encode() + b"\0")
        deadline = time.time() + timeout
        with self.cond:
            while mid not in self.replies:
                left = deadline - time.time()
                if left <= 0 or getattr(self, "closed", False):
                    raise RuntimeError(f"no reply to {method}")
                self.cond.wait(left)
            reply = self.replies.pop(mid)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    def open_page(self):
        target = self.send("Target.createTarget", {"url": "about:blank"}, session=False)
        self.session = self.send("Target.attachToTarget",
                                 {"targetId": target["targetId"], "flatten": True},
                                 session=False)["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            self.send(domain + ".enable")

    def take_events(self, method):
        with self.cond:
            got = [e for e in self.events if e.get("method") == method]
            self.events = [e for e in self.events if e.get("method") != method]
        return got

    def eval(self, expr):
        r = self.send("Runtime.evaluate",
                      {"expression": expr, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in r:
            raise RuntimeError(f"{expr}: {r['exceptionDetails'].get('text')}")
        return r["result"].get("value")

    def wait_for(self, expr, timeout=8):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.eval(expr):
                return True
            time.sleep(0.05)
        return False

    def navigate(self, url):
        self.take_events("Page.loadEventFired")
        self.send("Page.navigate", {"url": url})
        deadline = time.time() + 15
        while time.time() < deadline:
            if self.take_events("Page.loadEventFired"):
                return True
            time.sleep(0.05)
        return False

    def type_text(self, text):
        for ch in text:
            self.send("Input.dispatchKeyEvent", {"type": "keyDown", "text": ch, "key": ch,
                                                 "unmodifiedText": ch})
            self.send("Input.dispatchKeyEvent", {"type": "keyUp", "key": ch})
            time.sleep(0.03)

    KEYS = {"ArrowDown": 40, "ArrowUp": 38, "Escape": 27, "Enter": 13}

    def press(self, key):
        down = {"type": "rawKeyDown", "key": key, "code": key,
                "windowsVirtualKeyCode": self.KEYS[key]}
        if key == "Enter":
            down.update(type="keyDown", text="\r", unmodifiedText="\r")
        self.send("Input.dispatchKeyEvent", down)
        self.send("Input.dispatchKeyEvent", {"type": "keyUp", "key": key, "code": key,
                                             "windowsVirtualKeyCode": self.KEYS[key]})

    def screenshot(self, path):
        data = self.send("Page.captureScreenshot", {"format": "png"})["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))

    def close(self):
        try:
            self.send("Browser.close", session=False, timeout=5)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


failures = 0


def check(what, cond, detail=""):
    global failures
    if cond:
        print("PASS: " + what)
    else:
        failures += 1
        print("FAIL: " + what + (f" ({detail})" if detail else ""))
    sys.stdout.flush()


def outer_html(b, selector):
    """The element's HTML through the DOM domain, which works with scripts off."""
    root = b.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
    node = b.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    return b.send("DOM.getOuterHTML", {"nodeId": node})["outerHTML"] if node else ""


def js(s):
    return json.dumps(s, ensure_ascii=False)


def type_query(b, text):
    b.eval("(() => { const q = document.getElementById('q'); q.value = ''; q.focus(); })()")
    b.type_text(text)


def suggestions_shown(b, timeout=8):
    return b.wait_for("!document.getElementById('suggest').hidden && "
                      "document.querySelectorAll('#suggest [role=option]').length > 0", timeout)


def close_and_submit(b):
    """Escape closes an open list (in an empty one it would clear a search
    box, as browsers do), then Enter submits what was typed."""
    if suggestions_shown(b, 1.5):
        b.press("Escape")
    b.press("Enter")


def results_ready(b, q):
    return b.wait_for(f"new URLSearchParams(location.search).get('q') === {js(q)} && "
                      "!document.getElementById('output').hasAttribute('aria-busy') && "
                      "document.querySelectorAll('#status p').length > 0")


def run(b, base, shots):
    b.open_page()
    check("page loads", b.navigate(base + "/"))
    check("page: Vietnamese title", "Tìm kiếm" in (b.eval("document.title") or ""))
    b.eval("window.__stillHere = 42")

    # ---- typing: suggestions -------------------------------------------------------
    type_query(b, "tinh gian bien che")
    check("typing 'tinh gian bien che' shows suggestions", suggestions_shown(b))
    opts = b.eval("[...document.querySelectorAll('#suggest [role=option]')]"
                  ".map(o => o.textContent)") or []
    check("suggestions offer the accented phrase", any("tinh giản biên chế" in o for o in opts),
          opts)
    b.screenshot(os.path.join(shots, "browser-suggest.png"))
    check("combobox says it is expanded",
          b.eval("document.getElementById('q').getAttribute('aria-expanded')") == "true")
    b.press("ArrowDown")
    check("ArrowDown selects the first suggestion",
          b.eval("document.getElementById('q').getAttribute('aria-activedescendant') === "
                 "'suggest-0' && document.getElementById('suggest-0')"
                 ".getAttribute('aria-selected') === 'true'"))
    b.press("ArrowUp")
    check("ArrowUp goes back to the box",
          b.eval("!document.getElementById('q').hasAttribute('aria-activedescendant')"))
    b.press("Escape")
    check("Escape closes the list",
          b.eval("document.getElementById('suggest').hidden && document.getElementById('q')"
                 ".getAttribute('aria-expanded') === 'false'"))

    # ---- submitting: results without reloading ------------------------------------------
    b.press("Enter")
    check("Enter searches", results_ready(b, "tinh gian bien che"))
    check("no page reload (fetch + pushState)", b.eval("window.__stillHere") == 42)
    first = b.eval("(() => { const li = document.querySelector('#results li');"
                   " const a = li && li.querySelector('h2 a');"
                   " return li && {title: li.querySelector('h2').textContent,"
                   " href: a ? a.getAttribute('href') : null,"
                   " marks: [...li.querySelectorAll('.hit-snippet mark')].map(m => m.textContent)}"
                   "})()") or {}
    check("the staff-reduction article comes first", first.get("title") == STAFF_TITLE, first)
    check("its title links to the article's public address", first.get("href") == STAFF_URL,
          first)
    check("<mark> around the words in the DOM",
          "tinh giản biên chế" in first.get("marks", []), first)
    check("the count is shown",
          "kết quả" in (b.eval("document.querySelector('#status .count').textContent") or ""))
    check("the address is shareable",
          b.eval("location.pathname + location.search") == "/?q=tinh+gian+bien+che")
    b.screenshot(os.path.join(shots, "browser-search.png"))
    check("screenshot saved", os.path.getsize(os.path.join(shots, "browser-search.png")) > 1000)

    # ---- choosing a suggestion with the keyboard ----------------------------------------
    type_query(b, "tinh gian bi")
    check("suggestions for a prefix", suggestions_shown(b))
    chosen = b.eval("document.getElementById('suggest-0').textContent")
    b.press("ArrowDown")
    b.press("Enter")
    check("Enter on a suggestion searches for it", results_ready(b, chosen))
    check("the box holds the suggestion", b.eval("document.getElementById('q').value") == chosen)

    # ---- paging, back, sorting --------------------------------------------------------------
    type_query(b, "công chức")
    close_and_submit(b)
    check("search 'công chức'", results_ready(b, "công chức"),
          b.eval("location.search + ' | ' + document.getElementById('q').value + ' | ' + "
                 "document.getElementById('status').textContent"))
    b.eval("document.querySelector('#pages a[rel=next]').click()")
    check("next page in place", b.wait_for(
        "new URLSearchParams(location.search).get('page') === '2' && "
        "document.getElementById('results').getAttribute('start') === '11' && "
        "!document.getElementById('output').hasAttribute('aria-busy')"))
    check("current page marked",
          b.eval("document.querySelector('#pages [aria-current=page]').textContent") == "2")
    b.eval("history.back()")
    check("Back returns to page 1", b.wait_for(
        "!new URLSearchParams(location.search).has('page') && "
        "document.getElementById('results').getAttribute('start') === '1' && "
        "!document.getElementById('output').hasAttribute('aria-busy')"))
    b.eval("(() => { const s = document.getElementById('sort'); s.value = 'date';"
           " s.dispatchEvent(new Event('change')); })()")
    check("sorting by date updates the address", b.wait_for(
        "new URLSearchParams(location.search).get('sort') === 'date' && "
        "!document.getElementById('output').hasAttribute('aria-busy')"))
    dates = b.eval("[...document.querySelectorAll('#results time')]"
                   ".map(t => t.getAttribute('datetime'))") or []
    check("results newest first", dates and dates == sorted(dates, reverse=True), dates)
    check("still the same page", b.eval("window.__stillHere") == 42)

    # ---- without JavaScript's help: the server's rendering --------------------------------------
    b.navigate(base + "/?q=tinh+gian+bien+che")
    check("a shared address renders results on load",
          b.eval("document.querySelector('#results li h2').textContent") == STAFF_TITLE)

    # ---- JavaScript switched off: the form and its links work on their own ------------------------
    b.send("Emulation.setScriptExecutionDisabled", {"value": True})
    check("no JavaScript: the page loads", b.navigate(base + "/"))
    form = outer_html(b, "form#search")
    check("no JavaScript: a plain GET form to the page itself",
          'action="./"' in form and 'method="get"' in form and 'name="q"' in form, form[:300])
    # what submitting that form sends: q and the empty filters
    b.navigate(base + "/?q=tinh+gian+bien+che&since=&until=&sort=relevance")
    results = outer_html(b, "#results")
    check("no JavaScript: the server renders the results, the right article first",
          STAFF_TITLE in results.split("</li>")[0], results[:300])
    check("no JavaScript: the title links to the article's public address",
          'href="%s"' % STAFF_URL in results.split("</li>")[0], results[:300])
    check("no JavaScript: <mark> around the words",
          "<mark>tinh giản biên chế</mark>" in results, results[:300])
    b.send("Emulation.setScriptExecutionDisabled", {"value": False})

    # ---- hostile text -----------------------------------------------------------------------------
    hostile = '<img src=x onerror="window.__xss=1"> <script>window.__xss=2</script> mã độc'
    b.navigate(base + "/?q=" + urllib.parse.quote_plus(hostile))
    check("hostile query (server page): the article is listed",
          b.eval("document.querySelectorAll('#results li').length") > 0)
    check("hostile query (server page): nothing injected",
          b.eval("document.querySelectorAll('#output img, #output script').length === 0 && "
                 "window.__xss === undefined"))
    check("hostile title shown as text", "<script>" in (b.eval(
        "[...document.querySelectorAll('#results h2')].map(h => h.textContent).join(' ')") or ""))
    type_query(b, hostile)
    close_and_submit(b)
    check("hostile query (in place): searched", results_ready(b, hostile))
    check("hostile query (in place): nothing injected",
          b.eval("document.querySelectorAll('#output img, #output script, #suggest img').length"
                 " === 0 && window.__xss === undefined"))
    check("no dialog ever opened", not b.take_events("Page.javascriptDialogOpening"))

    # ---- notices, rendered in place ------------------------------------------------------
    for q in ("tinhf giarn bieen chees", "tinh gian bien chw", "biên chè"):
        type_query(b, q)
        close_and_submit(b)
        ready = results_ready(b, q)
        api = b.eval(f"fetch('/api/search?q=' + encodeURIComponent({js(q)})).then(r => r.json())"
                     ".then(d => ({searched: d.searched, suggestion: d.suggestion,"
                     " relaxed: d.relaxed}))")
        shown = b.eval("(() => { const t = (s) => { const e = document.querySelector(s);"
                       " return e ? e.textContent : null; };"
                       " return {searched: t('#status .notice-searched strong'),"
                       " suggestion: t('#status .notice-suggestion strong'),"
                       " relaxed: !!document.querySelector('#status .notice-relaxed')}; })()")
        check(f"notices in place for '{q}' say what the JSON says", ready and shown == api,
              (shown, api))

    # ---- a phone ----------------------------------------------------------------------------------
    b.send("Emulation.setDeviceMetricsOverride",
           {"width": 375, "height": 740, "deviceScaleFactor": 2, "mobile": True})
    b.navigate(base + "/?q=tinh+gian+bien+che")
    check("phone: no sideways scrolling",
          b.eval("document.documentElement.scrollWidth <= 375"),
          b.eval("document.documentElement.scrollWidth"))
    check("phone: the box fits", b.eval(
        "document.getElementById('q').getBoundingClientRect().right <= 375"))
    b.screenshot(os.path.join(shots, "browser-search-phone.png"))

    # ---- nothing went wrong along the way -----------------------------------------------------------
    errors = [e["params"]["exceptionDetails"].get("text", "?")
              for e in b.take_events("Runtime.exceptionThrown")]
    errors += [e["params"]["entry"]["text"] for e in b.take_events("Log.entryAdded")
               if e["params"]["entry"]["level"] == "error"]
    errors += [str(e["params"]["args"]) for e in b.take_events("Runtime.consoleAPICalled")
               if e["params"]["type"] in ("error", "assert")]
    check("no script errors, no CSP violations, no failed loads", not errors, errors[:5])


def main():
    if len(sys.argv) != 4:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    chromium, base, shots = sys.argv[1:]
    profile = tempfile.mkdtemp(prefix="vn-chromium-")
    log = open(os.path.join(profile, "chromium.log"), "wb")
    b = None
    try:
        b = CDP(chromium, profile, log)
        run(b, base.rstrip("/"), shots)
    except Exception as e:  # the browser could not be driven: one clear failure
        check("drive Chromium through DevTools", False, repr(e))
        log.flush()
        with open(os.path.join(profile, "chromium.log"), "rb") as f:
            sys.stderr.write(f.read()[-2000:].decode("utf-8", "replace"))
    finally:
        if b is not None:
            b.close()
        log.close()
        shutil.rmtree(profile, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
