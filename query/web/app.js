/* app.js: the search page when JavaScript runs. Results arrive from
 * /api/search without reloading the page, and the address bar follows
 * (history.pushState), so every search stays shareable; suggestions come
 * from /api/suggest as you type, in a WAI-ARIA combobox (arrow keys,
 * Enter, Escape). Without JavaScript the form is a plain GET to /?q=...
 * that the server renders with the same markup (query/out_html.c).
 *
 * Only DOM nodes are built, never HTML strings: the server sends snippets
 * escaped with <mark> around the matches; the marks become elements and
 * the rest text nodes. */
'use strict';
(function () {
  const SIZE_DEFAULT = 10;
  const BASE_TITLE = 'Tìm kiếm tin bài – Sở Nội vụ';
  const $ = (id) => document.getElementById(id);
  const form = $('search');
  const box = $('q');
  const list = $('suggest');
  const since = $('since');
  const until = $('until');
  const sort = $('sort');
  const output = $('output');
  const status = $('status');
  const results = $('results');
  const pages = $('pages');
  if (!form || !box || !list || !window.fetch || !window.URLSearchParams) return;

  // ---- building nodes -------------------------------------------------------

  /* el('p', {class: 'x'}, 'text', node...): an element with attributes
   * and children (strings become text nodes). */
  function el(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    e.append(...kids);
    return e;
  }

  function groupDigits(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  }

  function seconds(ms) {
    const cs = Math.round(ms / 10);
    return Math.floor(cs / 100) + ',' + String(cs % 100).padStart(2, '0');
  }

  const ENTITIES = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };
  function unescapeHtml(s) {
    return s.replace(/&(?:amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e]);
  }

  /* The snippet is escaped text in which only <mark> and </mark> are
   * tags (a literal "<mark>" in an article arrives as &lt;mark&gt;). */
  function snippetInto(parent, s) {
    let into = parent;
    for (const part of s.split(/(<mark>|<\/mark>)/)) {
      if (part === '<mark>') {
        into = parent.appendChild(document.createElement('mark'));
      } else if (part === '</mark>') {
        into = parent;
      } else if (part) {
        into.append(unescapeHtml(part));
      }
    }
  }

  function isWebUrl(u) {
    return typeof u === 'string' && /^https?:\/\//.test(u);
  }

  // ---- the address and the form -------------------------------------------------

  /* The parameters of the form, in the order the server writes links. */
  function formParams(page) {
    const p = new URLSearchParams();
    p.set('q', box.value);
    if (since.value) p.set('since', since.value);
    if (until.value) p.set('until', until.value);
    if (sort.value && sort.value !== 'relevance') p.set('sort', sort.value);
    const size = form.elements.namedItem('size');
    if (size && size.value && Number(size.value) !== SIZE_DEFAULT) p.set('size', size.value);
    if (page > 1) p.set('page', String(page));
    return p;
  }

  function fillForm(p) {
    box.value = p.get('q') || '';
    since.value = p.get('since') || '';
    until.value = p.get('until') || '';
    sort.value = p.get('sort') || 'relevance';
    if (sort.selectedIndex < 0) sort.value = 'relevance';
  }

  /* p for another page, or another q on page 1. */
  function variant(p, changes) {
    const v = new URLSearchParams(p);
    if ('q' in changes) v.set('q', changes.q);
    v.delete('page');
    if (changes.page > 1) v.set('page', String(changes.page));
    return v;
  }

  // ---- rendering (mirrors query/out_html.c) ----------------------------------------

  function hitItem(h) {
    const title = h.title || '(Không có tiêu đề)';
    const heading = el('h2', { class: 'hit-title' },
      isWebUrl(h.url) ? el('a', { href: h.url }, title) : title);
    const meta = el('p', { class: 'hit-meta' });
    if (h.date && h.date.length === 10) {
      const d = h.date;
      meta.append(el('time', { datetime: d },
        d.slice(8, 10) + '/' + d.slice(5, 7) + '/' + d.slice(0, 4)));
    }
    if (h.author) meta.append(el('span', { class: 'author' }, h.author));
    const snip = el('p', { class: 'hit-snippet' });
    snippetInto(snip, h.snippet || '');
    return el('li', { class: 'hit' }, heading, meta, snip);
  }

  function pageLink(p, page, rel, label) {
    const a = el('a', { href: '?' + variant(p, { page }).toString(), 'data-page': page }, label);
    if (rel) a.setAttribute('rel', rel);
    return a;
  }

  function pageLinks(p, cur, last) {
    const out = [];
    if (last <= 1) return out;
    if (cur > 1) out.push(pageLink(p, cur - 1, 'prev', '‹ Trang trước'));
    let gap = false;
    for (let n = 1; n <= last; n++) {
      if (n !== 1 && n !== last && (n < cur - 2 || n > cur + 2)) {
        if (!gap) out.push(el('span', { class: 'gap', 'aria-hidden': 'true' }, '…'));
        gap = true;
        continue;
      }
      gap = false;
      out.push(n === cur ? el('span', { 'aria-current': 'page' }, String(n))
        : pageLink(p, n, null, String(n)));
    }
    if (cur < last) out.push(pageLink(p, cur + 1, 'next', 'Trang sau ›'));
    return out;
  }

  function notices(d, p) {
    const out = [];
    if (d.searched) {
      out.push(el('p', { class: 'notice notice-searched' }, 'Đã tìm: ',
        el('strong', {}, d.searched), ' (bạn gõ: ', el('em', {}, d.query), ')'));
    }
    if (d.relaxed) {
      out.push(el('p', { class: 'notice notice-relaxed' }, 'Không có kết quả khớp đúng dấu ' +
        'như bạn gõ; dưới đây là kết quả tìm không dấu.'));
    }
    if (d.suggestion) {
      out.push(el('p', { class: 'notice notice-suggestion' }, 'Có phải bạn muốn tìm: ',
        el('a', { href: '?' + variant(p, { q: d.suggestion }).toString() },
          el('strong', {}, d.suggestion)), '?'));
    }
    return out;
  }

  function countLine(d) {
    if (d.total === 0) {
      const none = el('p', { class: 'count none' }, 'Không tìm thấy kết quả nào cho ',
        el('strong', {}, d.query), '.');
      if (d.since || d.until) none.append(' Hãy thử bỏ bớt bộ lọc ngày.');
      return none;
    }
    const c = el('p', { class: 'count' });
    if (d.results.length === 0) c.append('Trang ' + d.page + ' không có kết quả; tổng cộng ');
    else if (d.page > 1) c.append('Trang ' + d.page + '/' + d.pages + ' · ');
    else c.append('Tìm thấy ');
    c.append(el('strong', {}, groupDigits(d.total)), ' kết quả (' + seconds(d.took_ms) + ' giây)');
    return c;
  }

  function render(d, p) {
    status.replaceChildren(...notices(d, p), countLine(d));
    results.setAttribute('start', String((d.page - 1) * d.size + 1));
    results.replaceChildren(...d.results.map(hitItem));
    pages.replaceChildren(...pageLinks(p, d.page, d.pages));
    since.value = d.since || '';
    until.value = d.until || '';
    sort.value = d.sort || 'relevance';
    document.title = d.query + ' – ' + BASE_TITLE;
  }

  function renderError(message) {
    status.replaceChildren(el('p', { class: 'error', role: 'alert' }, message));
    results.replaceChildren();
    pages.replaceChildren();
  }

  function clearOutput() {
    status.replaceChildren();
    results.replaceChildren();
    pages.replaceChildren();
    document.title = BASE_TITLE;
  }

  // ---- searching ---------------------------------------------------------------------

  let searchCtl = null;

  /* Search for p; how: 'push' a history entry, or 'none' (back/forward). */
  async function run(p, how) {
    closeSuggest();
    if (searchCtl) searchCtl.abort();
    /* relative to the page: the site may serve it under a path prefix */
    const empty = !(p.get('q') || '').trim();
    const url = new URL(empty ? './' : '?' + p.toString(), location.href).href;
    if (how === 'push' && url !== location.href) {
      history.pushState(null, '', url);
    }
    if (empty) {
      clearOutput();
      return;
    }
    const ctl = searchCtl = new AbortController();
    output.setAttribute('aria-busy', 'true');
    try {
      const r = await fetch('api/search?' + p.toString(),
        { signal: ctl.signal, headers: { Accept: 'application/json' } });
      const d = await r.json();
      if (ctl !== searchCtl) return;
      if (r.ok) render(d, p);
      else renderError(d.message || d.error || 'Lỗi ' + r.status);
    } catch (e) {
      if (e.name !== 'AbortError') renderError('Không kết nối được máy chủ. Hãy thử lại.');
    } finally {
      if (ctl === searchCtl) output.removeAttribute('aria-busy');
    }
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    run(formParams(1), 'push');
  });

  for (const f of [since, until, sort]) {
    f.addEventListener('change', () => {
      if (box.value.trim()) run(formParams(1), 'push');
    });
  }

  /* Page links and the "did you mean" link load in place. */
  output.addEventListener('click', (e) => {
    const a = e.target.closest('a[href^="?"]');
    if (!a || e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    const p = new URLSearchParams(a.getAttribute('href').slice(1));
    fillForm(p);
    run(p, 'push');
    status.scrollIntoView({ block: 'start' });
  });

  window.addEventListener('popstate', () => {
    const p = new URLSearchParams(location.search);
    fillForm(p);
    run(p, 'none');
  });

  // ---- suggestions ---------------------------------------------------------------------

  let sugTimer = 0;
  let sugCtl = null;
  let active = -1;

  function options() {
    return list.querySelectorAll('[role="option"]');
  }

  function showSuggestions(items) {
    list.replaceChildren(...items.map((s, i) => {
      const li = el('li', { id: 'suggest-' + i, role: 'option', 'aria-selected': 'false',
        class: s.kind }, s.text);
      li.dataset.text = s.text;
      return li;
    }));
    active = -1;
    box.removeAttribute('aria-activedescendant');
    list.hidden = items.length === 0;
    box.setAttribute('aria-expanded', items.length ? 'true' : 'false');
  }

  function closeSuggest() {
    clearTimeout(sugTimer);
    if (sugCtl) sugCtl.abort();
    sugCtl = null;
    showSuggestions([]);
  }

  function setActive(i) {
    const opts = options();
    if (active >= 0 && opts[active]) opts[active].setAttribute('aria-selected', 'false');
    active = i;
    if (i >= 0 && opts[i]) {
      opts[i].setAttribute('aria-selected', 'true');
      box.setAttribute('aria-activedescendant', opts[i].id);
      opts[i].scrollIntoView({ block: 'nearest' });
    } else {
      box.removeAttribute('aria-activedescendant');
    }
  }

  async function suggest() {
    const text = box.value;
    if (!text.trim()) {
      closeSuggest();
      return;
    }
    if (sugCtl) sugCtl.abort();
    const ctl = sugCtl = new AbortController();
    try {
      const r = await fetch('api/suggest?q=' + encodeURIComponent(text), { signal: ctl.signal });
      if (!r.ok) return;
      const d = await r.json();
      if (ctl !== sugCtl || box.value !== text || document.activeElement !== box) return;
      showSuggestions(d.suggestions || []);
    } catch (e) {
      /* aborted, or the server is away: no suggestions */
    }
  }

  function choose(text) {
    box.value = text;
    closeSuggest();
    run(formParams(1), 'push');
  }

  box.addEventListener('input', () => {
    clearTimeout(sugTimer);
    sugTimer = setTimeout(suggest, 120);
  });

  box.addEventListener('keydown', (e) => {
    const n = options().length;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (list.hidden) {
        if (e.key === 'ArrowDown') suggest();
        return;
      }
      let i = active + (e.key === 'ArrowDown' ? 1 : -1);
      if (i >= n) i = -1;
      if (i < -1) i = n - 1;
      setActive(i);
    } else if (e.key === 'Enter') {
      if (!list.hidden && active >= 0) {
        e.preventDefault();
        choose(options()[active].dataset.text);
      }
    } else if (e.key === 'Escape') {
      if (!list.hidden) {
        e.preventDefault();
        closeSuggest();
      }
    }
  });

  box.addEventListener('blur', () => {
    setTimeout(() => {
      if (document.activeElement !== box) closeSuggest();
    }, 150);
  });

  list.addEventListener('mousedown', (e) => e.preventDefault()); // keep the focus in the box
  list.addEventListener('click', (e) => {
    const li = e.target.closest('[role="option"]');
    if (li) choose(li.dataset.text);
  });
})();
