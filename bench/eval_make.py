#!/usr/bin/env python3
"""Ranking quality: query sets drawn from the corpus, and their scores.

    eval_make.py queries OURS_DB OUT.json       draw the query sets (seeded)
    eval_make.py baseline OURS_DB BASE_DB       load SQLite FTS5 unicode61
    eval_make.py run OURS_DB BASE_DB QUERIES.json VNQUERY [BENCHMARKS.md]

scripts/eval.sh (`make eval`) runs the three in order on a fresh index of
../shared/corpus/vinews-35k.tar.xz. Article text is read back from
vnindex's own database (title, and the zlib body of common/vn_zip.c), so
the baseline and the judgments see exactly the text our indexer extracted.

Relevance is judged here, independently of both engines: text is split
into words (runs of letters and digits), each NFC + casefold, ð -> đ,
the tone mark placed on the first vowel of an open oa/oe/uy (hòa, khỏe,
thủy), i written y as the whole rhyme after h k l m s t qu; the
accent-free form drops every mark and maps đ to d. Two words are adjacent
when only spaces, tabs or quotation marks stand between them (not a line
break, not other punctuation).

Known-item: a run of 4 Vietnamese syllables (letters only, at least one
mark) from an article's body, whose words stand adjacent (punctuation
ignored, so stricter) in no other article, neither as written nor
accent-free. Typed (a) as written, (b) without diacritics, (c) in upper
case and NFD, (d) with the other tone placement (hòa <-> hoà, thủy <->
thuỷ, khỏe <-> khoẻ; drawn from phrases holding such a syllable, with (a)
over the same phrases as a control). Success at rank 1 and MRR@10.

Topic: a phrase of 2 to 4 syllables, no function words, at least one mark,
seen in 3 articles of a 4,000-article sample, held (adjacent) by 20
articles or more, and whole: no one word precedes (or follows) it in more
than 35% of its occurrences (so "kiểm soát", not "mất kiểm"); 20 of each
length, typed unquoted in lower case (canonical form) with and without
diacritics. Precision at 10: a result is relevant when its
title or body holds the phrase adjacent (for the accent-free kind,
comparing accent-free text). Fewer than 10 results count as misses.

The seed is fixed: the same index always gives the same query sets.
The query sets hold corpus text: they go to a temporary folder, never
into the repository.
"""
import datetime
import functools
import json
import os
import random
import re
import sqlite3
import subprocess
import sys
import time
import unicodedata
import zlib
from collections import Counter

SEED = 2026
KNOWN_PER_KIND = 150        # phrases per known-item pool
TOPIC_PER_LENGTH = 20       # topic phrases of 2, 3 and 4 syllables
TOPIC_MIN_DF = 20
TOPIC_SAMPLE_DOCS = 4000    # candidates: seen in 3 articles of a sample
TOPIC_SHORTLIST = 400       # of each length, counted on the whole corpus
TOPIC_MAX_SHARE = 0.35
TARGET_KNOWN = 0.97
TARGET_TOPIC = 0.95
BASE_RANK = "bm25(doc, 10.0, 1.0)"   # as scripts/bench.sh: title x10

TONES = {"\u0300": 1, "\u0301": 2, "\u0303": 3, "\u0309": 4, "\u0323": 5}
QUALS = {"\u0302": "^", "\u0306": "(", "\u031b": "+"}   # circumflex, breve, horn
QUAL_ON = {"^": "aeo", "(": "a", "+": "ou"}
VOWELS = set("aeiouy")
INITIALS = ["ngh", "ng", "gh", "kh", "nh", "ph", "th", "tr", "ch",
            "b", "c", "d", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x"]
FINALS = {"", "c", "ch", "m", "n", "ng", "nh", "p", "t"}
Y_INITIALS = set("hklmst")
# Function words: a topic phrase holds none of them.
STOPWORDS = set("""
và của các những là có được trong cho với đã này một không để khi thì từ cũng
về ra tại đến theo như sẽ vào lại còn mà nhưng nên do bị đó rất hơn sau trên
đang vẫn chỉ phải gì nào bởi vì nếu hay hoặc thể vậy thế đều lên qua tới cùng
trước giữa dưới ở nhất nhiều mới ai đây kia ấy cả mọi rồi chưa chứ hết luôn
ông bà anh chị em tôi họ chúng mình bạn nó cô chú này kể vừa đi đây thì sự việc
""".split())

WORD_SPLIT = re.compile(r"([^\W_]+)")
# Between adjacent words: spaces and quotation marks (cuộc thi "Hoa hậu").
SPACES = re.compile(r"[ \t\u00a0\"'\u2018\u2019\u201c\u201d\u00ab\u00bb]+")
BREAK = 0          # token id: stands between words that are not adjacent
SEP = 1            # token id: between title and body


def say(msg):
    print("eval: " + msg, file=sys.stderr, flush=True)


# ---- Vietnamese words ----------------------------------------------------------

def parse(word):
    """A lower-case NFC word as units [base, quality] plus (tone, unit of the
    tone); None when it holds anything but Latin letters and Vietnamese marks."""
    units, tone, tpos = [], None, -1
    for ch in unicodedata.normalize("NFD", word):
        if "a" <= ch <= "z" or ch == "đ":
            units.append([ch, ""])
        elif not units:
            return None
        elif ch in TONES and tone is None:
            tone, tpos = ch, len(units) - 1
        elif ch in QUALS and not units[-1][1] and units[-1][0] in QUAL_ON[QUALS[ch]]:
            units[-1][1] = ch
        else:
            return None
    return (units, tone, tpos) if units else None


def split_syllable(units):
    """(initial length, end of the vowel run), or None when not a syllable."""
    bases = "".join(u[0] for u in units)
    if bases[0] == "đ":
        ini = 1
    elif bases[0] == "q":
        if len(bases) < 2 or bases[1] != "u" or units[1][1]:
            return None
        ini = 2
    elif bases[:2] == "gi" and len(bases) >= 3 and not units[1][1] and bases[2] in VOWELS:
        ini = 2
    elif bases[0] in VOWELS:
        ini = 0
    else:
        ini = next((len(c) for c in INITIALS if bases.startswith(c)), -1)
        if ini < 0:
            return None
    if ini >= len(units):
        return None
    v1 = ini
    while v1 < len(units) and units[v1][0] in VOWELS:
        v1 += 1
    tail = units[v1:]
    if v1 == ini or v1 - ini > 3 or any(u[1] for u in tail):
        return None
    if "".join(u[0] for u in tail) not in FINALS:
        return None
    return ini, v1


def canon_word(word):
    """(canonical form, accent-free form, is a Vietnamese syllable)."""
    w = unicodedata.normalize("NFC", word.casefold()).replace("ð", "đ")
    p = parse(w)
    syl = None
    if p is not None:
        units, tone, tpos = p
        syl = split_syllable(units)
        if syl is not None:
            ini, v1 = syl
            if tone is not None:
                marked = [i for i in range(ini, v1) if units[i][1]]
                if marked:
                    tpos = marked[-1]
                elif v1 - ini == 1:
                    tpos = ini
                elif v1 < len(units):
                    tpos = v1 - 1
                else:
                    tpos = ini + 1 if v1 - ini == 3 else ini
            if (v1 - ini == 1 and v1 == len(units) and not units[ini][1]
                    and units[ini][0] in "iy"
                    and ((ini == 2 and units[0][0] == "q")
                         or (ini == 1 and units[0][0] in Y_INITIALS))):
                units[ini][0] = "y"
        out = []
        for i, (b, q) in enumerate(units):
            out.append(b + q + (tone if i == tpos else ""))
        w = unicodedata.normalize("NFC", "".join(out))
    fold = unaccent(w)
    return w, fold, syl is not None


def unaccent(text):
    nfd = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return unicodedata.normalize("NFC", "".join(c for c in nfd if not unicodedata.combining(c)))


@functools.lru_cache(maxsize=None)
def flip_tone(word):
    """The word with the other tone placement for an open oa, oe or uy
    (hòa <-> hoà, thủy <-> thuỷ), case kept; None when there is none."""
    nfd = unicodedata.normalize("NFD", word)
    low = nfd.lower()
    p = parse(unicodedata.normalize("NFC", low))
    if p is None or p[1] is None:
        return None
    units, tone, tpos = p
    syl = split_syllable(units)
    if syl is None:
        return None
    ini, v1 = syl
    rhyme = "".join(u[0] for u in units[ini:v1])
    if (v1 != len(units) or rhyme not in ("oa", "oe", "uy")
            or any(u[1] for u in units[ini:v1]) or tpos not in (ini, ini + 1)):
        return None
    target = ini + 1 if tpos == ini else ini
    # Rebuild from the NFD text: drop the tone, put it after the target letter.
    chars, n = [], -1
    for ch, lo in zip(nfd, low):
        if lo in TONES:
            continue
        chars.append(ch)
        if "a" <= lo <= "z" or lo == "đ":
            n += 1
            if n == target:
                chars.append(tone)
    return unicodedata.normalize("NFC", "".join(chars))


# ---- the corpus, read back from our index ------------------------------------------

def unzip_body(blob, dicts):
    """The text of a stored body (common/vn_zip.h): format byte 1, LEB128
    length, zlib stream, maybe against a preset dictionary of dicts
    (adler32 -> bytes)."""
    b = bytes(blob)
    if not b or b[0] != 1:
        raise ValueError("unknown stored body format %r" % b[:1])
    i, n, shift = 1, 0, 0
    while True:
        c = b[i]
        i += 1
        n |= (c & 0x7F) << shift
        shift += 7
        if not c & 0x80:
            break
    stream = b[i:]
    if len(stream) >= 6 and stream[1] & 0x20:          # FDICT: DICTID follows
        d = zlib.decompressobj(zdict=dicts[int.from_bytes(stream[2:6], "big")])
    else:
        d = zlib.decompressobj()
    text = d.decompress(stream) + d.flush()
    if len(text) != n:
        raise ValueError("stored body length %d, decompressed %d" % (n, len(text)))
    return text.decode("utf-8")


def load_docs(db_path):
    """[(id, name, title, body)] in name order; name = the file's base name."""
    db = sqlite3.connect("file:%s?mode=ro" % db_path, uri=True)
    dicts = {}
    if db.execute("SELECT 1 FROM sqlite_master WHERE name = 'vn_dict'").fetchone():
        dicts = {zlib.adler32(bytes(d)): bytes(d) for (d,) in db.execute("SELECT data FROM vn_dict")}
    docs = [(i, os.path.basename(p), t, unzip_body(b, dicts))
            for i, p, t, b in db.execute("SELECT id, path, title, body FROM article")]
    db.close()
    docs.sort(key=lambda d: d[1])
    return docs


class Vocab:
    """Words as ids: canon -> id; fold id, syllable and stop-word flags."""

    def __init__(self):
        self.ids = {}           # surface word (NFC) -> canon id
        self.canon = {}         # canon form -> id
        self.names = ["<break>", "<sep>"]
        self.fold_of = [BREAK, SEP]
        self.fold_ids = {}
        self.syllable = bytearray(2)
        self.stop = bytearray(2)
        self.marked = bytearray(2)

    def word(self, w):
        i = self.ids.get(w)
        if i is None:
            c, f, syl = canon_word(w)
            i = self.canon.get(c)
            if i is None:
                i = len(self.names)
                self.canon[c] = i
                self.names.append(c)
                fid = self.fold_ids.get(f)
                if fid is None:
                    fid = self.fold_ids[f] = i   # the first canon folding to f
                self.fold_of.append(fid)
                self.syllable.append(syl)
                self.stop.append(c in STOPWORDS)
                self.marked.append(c != f)
            self.ids[w] = i
        return i


def tokens(text):
    """[(word, adjacent to the previous word)] of an NFC text."""
    parts = WORD_SPLIT.split(text)
    out = []
    for k in range(1, len(parts), 2):
        gap = parts[k - 1]
        out.append((parts[k], k > 1 and (gap == " " or SPACES.fullmatch(gap) is not None)))
    return out


def encode(vocab, title, body):
    """The word ids of title SEP body, with BREAK between words that are
    not adjacent (filter(None, ...) drops the BREAKs)."""
    strict = []
    for part, text in enumerate((title, body)):
        if part:
            strict.append(SEP)
        for w, adj in tokens(unicodedata.normalize("NFC", text)):
            i = vocab.word(w)
            if not adj and strict and strict[-1] > SEP:
                strict.append(BREAK)
            strict.append(i)
    return strict


def ngrams(a, n):
    """The runs of n ids of a, as tuples (an iterator)."""
    return zip(*(a[k:] for k in range(n)))


# ---- queries -------------------------------------------------------------------------

def body_windows(vocab, body):
    """Runs of 4 adjacent syllables (letters only), as written, with at
    least one mark: [(w1, w2, w3, w4)]."""
    out = []
    for para in body.split("\n"):
        run = []
        for w, adj in tokens(unicodedata.normalize("NFC", para)):
            ok = w.isalpha() and vocab.syllable[vocab.word(w)]
            if not ok or not adj:
                run = []
            if ok:
                run.append(w)
                if len(run) >= 4:
                    win = tuple(run[-4:])
                    if any(vocab.marked[vocab.word(x)] for x in win):
                        out.append(win)
    return out


def cmd_queries(db_path, out_path):
    t0 = time.time()
    rng = random.Random(SEED)
    docs = load_docs(db_path)
    vocab = Vocab()
    strict = [encode(vocab, title, body) for _, _, title, body in docs]
    say("%d articles, %d distinct words (%.1f s)"
        % (len(docs), len(vocab.names) - 2, time.time() - t0))
    key = lambda ws: tuple(vocab.word(w) for w in ws)
    fkey = lambda k: tuple(vocab.fold_of[i] for i in k)

    # Known-item candidates: one random window per article, in seeded order.
    order = list(range(len(docs)))
    rng.shuffle(order)
    general, toned = [], []
    want = 3 * KNOWN_PER_KIND
    for d in order:
        if len(general) >= want and len(toned) >= want:
            break
        wins = body_windows(vocab, docs[d][3])
        if not wins:
            continue
        flippable = [w for w in wins if any(flip_tone(x) for x in w)]
        if flippable and len(toned) < want:
            toned.append((d, rng.choice(flippable)))
        elif len(general) < want:
            general.append((d, rng.choice(wins)))

    # Topic candidates: phrases seen in 3 articles of a sample.
    sample = rng.sample(range(len(docs)), min(TOPIC_SAMPLE_DOCS, len(docs)))
    topical = [i if vocab.syllable[i] and not vocab.stop[i] else BREAK
               for i in range(len(vocab.names))]
    sdf = Counter()
    for d in sample:
        a = [topical[i] for i in strict[d]]
        for n in (2, 3, 4):
            sdf.update(set(ngrams(a, n)))
    cands = sorted(k for k, c in sdf.items() if c >= 3 and BREAK not in k
                   and any(vocab.marked[i] for i in k))
    del sdf
    rng.shuffle(cands)
    say("%d known-item and %d tone candidates, %d topic candidates (%.1f s)"
        % (len(general), len(toned), len(cands), time.time() - t0))

    # A shortlist of topic candidates, in the seeded order, per length.
    shortlist = []
    for n in (2, 3, 4):
        shortlist += [k for k in cands if len(k) == n][:TOPIC_SHORTLIST]

    # One pass over every article: who holds the known-item phrases (accent-
    # free, punctuation ignored: held by one article only that way, a phrase
    # is held by one article only as written too) and the topic candidates
    # (adjacent, as written and accent-free).
    fold = vocab.fold_of
    known_f = {fkey(key(w)) for _, w in general + toned}
    short_c = set(shortlist)
    short_f = {fkey(k) for k in shortlist}
    df_known = Counter()
    held, held_f = {k: [] for k in short_c}, {k: [] for k in short_f}
    for d, s in enumerate(strict):
        fs = list(map(fold.__getitem__, s))
        df_known.update(known_f.intersection(ngrams(list(filter(None, fs)), 4)))
        for n in (2, 3, 4):
            for k in short_c.intersection(ngrams(s, n)):
                held[k].append(d)
            for k in short_f.intersection(ngrams(fs, n)):
                held_f[k].append(d)

    def unique(pool):
        out = [{"doc": docs[d][1], "phrase": " ".join(w)}
               for d, w in pool if df_known[fkey(key(w))] == 1]
        return out[:KNOWN_PER_KIND]

    known = unique(general)
    tone = unique(toned)
    for q in tone:
        q["flipped"] = " ".join(flip_tone(x) or x for x in q["phrase"].split(" "))

    # Topic phrases: the first TOPIC_PER_LENGTH of each length in the
    # shortlist that TOPIC_MIN_DF articles hold, and that stand on their
    # own: no one word comes before (or after) them in more than
    # TOPIC_MAX_SHARE of their occurrences ("kiểm soát" yes, "mất kiểm" no).
    def whole(k):
        n, left, right = len(k), Counter(), Counter()
        for d in held[k]:
            a, i = strict[d], -1
            while True:
                try:
                    i = a.index(k[0], i + 1)
                except ValueError:
                    break
                if tuple(a[i:i + n]) == k:
                    left[a[i - 1] if i > 0 else BREAK] += 1
                    right[a[i + n] if i + n < len(a) else BREAK] += 1
        total = sum(left.values())
        for side in (left, right):
            side.pop(BREAK, None)
            side.pop(SEP, None)
            if side and max(side.values()) > TOPIC_MAX_SHARE * total:
                return False
        return True

    topic_out = []
    for n in (2, 3, 4):
        got = [k for k in shortlist if len(k) == n and len(held[k]) >= TOPIC_MIN_DF and whole(k)]
        got = sorted(got[:TOPIC_PER_LENGTH], key=lambda k: (-len(held[k]), k))
        for k in got:
            text = " ".join(vocab.names[i] for i in k)
            topic_out.append({"phrase": text, "plain": unaccent(text),
                              "relevant": [docs[d][1] for d in held[k]],
                              "relevant_plain": [docs[d][1] for d in held_f[fkey(k)]]})

    result = {"seed": SEED, "articles": len(docs), "known": known, "tone": tone,
              "topics": topic_out}
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(result, f, ensure_ascii=False, indent=1)
    say("%d known-item phrases, %d with a tone to move, %d topics (%.1f s)"
        % (len(known), len(tone), len(topic_out), time.time() - t0))
    if len(known) < KNOWN_PER_KIND or len(tone) < KNOWN_PER_KIND:
        say("warning: fewer known-item phrases than %d" % KNOWN_PER_KIND)


# ---- the baseline --------------------------------------------------------------------

def cmd_baseline(db_path, base_path):
    t0 = time.time()
    docs = load_docs(db_path)
    if os.path.exists(base_path):
        os.remove(base_path)
    db = sqlite3.connect(base_path)
    db.executescript("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                     "CREATE VIRTUAL TABLE doc USING fts5(title, body,"
                     " tokenize='unicode61 remove_diacritics 2');"
                     "CREATE TABLE name(id INTEGER PRIMARY KEY, name TEXT);")
    with db:
        db.executemany("INSERT INTO doc(rowid, title, body) VALUES (?, ?, ?)",
                       ((i, t, b) for i, _, t, b in docs))
        db.executemany("INSERT INTO name VALUES (?, ?)", ((i, n) for i, n, _, _ in docs))
    db.close()
    say("baseline: %d articles loaded (%.1f s)" % (len(docs), time.time() - t0))


# ---- running and scoring ----------------------------------------------------------------

class Ours:
    def __init__(self, vnquery, db):
        self.vnquery, self.db = vnquery, db

    def search(self, text):
        r = subprocess.run([self.vnquery, "--db", self.db, "--json", "--limit", "10", text],
                           capture_output=True, check=False)
        if r.returncode != 0:
            raise RuntimeError("vnquery failed (%d) on %r: %s"
                               % (r.returncode, text, r.stderr.decode(errors="replace")))
        j = json.loads(r.stdout)
        return [os.path.basename(x["path"]) for x in j["results"]], j["total"]


class Base:
    def __init__(self, path):
        self.db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
        self.name = dict(self.db.execute("SELECT id, name FROM name"))

    def search(self, text):
        expr = " ".join('"%s"' % w.replace('"', '""') for w in text.split())
        rows = self.db.execute("SELECT rowid FROM doc WHERE doc MATCH ? ORDER BY %s LIMIT 10"
                               % BASE_RANK, (expr,)).fetchall()
        total = self.db.execute("SELECT count(*) FROM doc WHERE doc MATCH ?",
                                (expr,)).fetchone()[0]
        return [self.name[r[0]] for r in rows], total


def typed(kind, q):
    p = q["phrase"]
    if kind == "a":
        return p
    if kind == "b":
        return unaccent(p)
    if kind == "c":
        return unicodedata.normalize("NFD", p.upper())
    if kind == "d":
        return q["flipped"]
    raise ValueError(kind)


KNOWN_KINDS = [
    ("a", "known", "(a) as written"),
    ("b", "known", "(b) without diacritics"),
    ("c", "known", "(c) upper case, NFD"),
    ("d", "tone", "(d) other tone placement"),
    ("a", "tone", "(a) as written, same phrases as (d)"),
]


class Judge:
    """How the words of a query stand in an article: the longest run of
    them adjacent and in query order (strict: as the relevance judgments
    read adjacency; loose: punctuation ignored, as FTS5 positions are), and
    how many of them the title holds."""

    def __init__(self, db_path):
        self.docs = {n: (t, b) for _, n, t, b in load_docs(db_path)}

    @staticmethod
    def forms(text, folded):
        out = []
        for w, adj in tokens(unicodedata.normalize("NFC", text)):
            c, f, _ = canon_word(w)
            out.append((f if folded else c, adj))
        return out

    @staticmethod
    def run(toks, q, strict):
        best = 0
        for i, (w, _) in enumerate(toks):
            for j in range(len(q)):
                m = 0
                while (j + m < len(q) and i + m < len(toks) and toks[i + m][0] == q[j + m]
                       and (m == 0 or not strict or toks[i + m][1])):
                    m += 1
                best = max(best, m)
        return best

    def profile(self, name, text):
        folded = text.isascii()
        q = [f if folded else c for c, f, _ in map(canon_word, text.split())]
        title, body = self.docs[name]
        tt, bt = self.forms(title, folded), self.forms(body, folded)
        return {"run": max(self.run(tt, q, True), self.run(bt, q, True)),
                "loose": max(self.run(tt, q, False), self.run(bt, q, False)),
                "title": len(set(q) & {w for w, _ in tt}), "words": len(bt)}


def show(p, n):
    return "run %d%s, title %d/%d, %d words" % (
        p["run"], "" if p["loose"] == p["run"] else " (%d across punctuation)" % p["loose"],
        p["title"], n, p["words"])


def cmd_run(ours_db, base_db, qpath, vnquery, bench_md=None):
    t0 = time.time()
    with open(qpath, encoding="utf-8") as f:
        qs = json.load(f)
    engines = {"ours": Ours(vnquery, ours_db), "base": Base(base_db)}
    judge = Judge(ours_db)
    rows, notes = [], []
    known_why = {}    # query set -> Counter of what the first result holds
    topic_why = {}    # query set -> Counter of what wrong results hold

    for kind, pool, label in KNOWN_KINDS:
        s1 = {e: 0 for e in engines}
        rr = {e: 0.0 for e in engines}
        for q in qs[pool]:
            text = typed(kind, q)
            for e, eng in engines.items():
                got, total = eng.search(text)
                rank = got.index(q["doc"]) + 1 if q["doc"] in got else 0
                s1[e] += rank == 1
                rr[e] += 1.0 / rank if rank else 0.0
                if e != "ours" or rank == 1:
                    continue
                n = len(text.split())
                item = judge.profile(q["doc"], text)
                notes.append("%s | %s | item at rank %s of %d: %s"
                             % (label, text, rank or ">10", total, show(item, n)))
                above = [judge.profile(g, text) for g in got[:(rank or 11) - 1]]
                for g, p in zip(got, above[:3]):
                    notes.append("    above: %s: %s" % (show(p, n), judge.docs[g][0][:70]))
                top = above[0]
                why = known_why.setdefault(label, Counter())
                why["misses"] += 1
                why["first holds %d adjacent" % top["loose"]] += 1
                why["first has more in its title"] += top["title"] > item["title"]
        n = len(qs[pool])
        rows.append(("Known-item " + label, n, "success@1", s1["ours"] / n, s1["base"] / n,
                     TARGET_KNOWN if pool == "known" or kind == "d" else None))
        rows.append(("Known-item " + label, n, "MRR@10", rr["ours"] / n, rr["base"] / n, None))
        say("%s: done (%.0f s)" % (label, time.time() - t0))

    for field, rel, label in (("phrase", "relevant", "with diacritics"),
                              ("plain", "relevant_plain", "without diacritics")):
        prec = {e: 0.0 for e in engines}
        for q in qs["topics"]:
            relevant = set(q[rel])
            text = q[field]
            for e, eng in engines.items():
                got, total = eng.search(text)
                hits = sum(g in relevant for g in got)
                prec[e] += hits / 10
                if e != "ours" or hits == 10:
                    continue
                n = len(text.split())
                notes.append("topic %s | %s | %d of 10 relevant (%d results, %d hold it)"
                             % (label, text, hits, total, len(relevant)))
                for rank, g in enumerate(got, 1):
                    if g in relevant:
                        continue
                    p = judge.profile(g, text)
                    notes.append("    rank %d: %s: %s" % (rank, show(p, n), judge.docs[g][0][:70]))
                    why = topic_why.setdefault(label, Counter())
                    why["wrong"] += 1
                    why["across punctuation" if p["loose"] == n else "partly adjacent"] += 1
                    why["all words in title"] += p["title"] == n
                if len(got) < 10:
                    topic_why.setdefault(label, Counter())["short"] += 1
        n = len(qs["topics"])
        rows.append(("Topic, " + label, n, "P@10", prec["ours"] / n, prec["base"] / n, TARGET_TOPIC))
        say("topic %s: done (%.0f s)" % (label, time.time() - t0))

    table = ["| Query set | queries | measure | vnsearch | FTS5 unicode61 | target |",
             "|---|---:|---|---:|---:|---|"]
    for name, n, measure, o, b, target in rows:
        goal = "–"
        if target is not None:
            goal = ("≥ %.2f: **met**" if o >= target else "≥ %.2f: **missed**") % target
        table.append("| %s | %d | %s | %.3f | %.3f | %s |" % (name, n, measure, o, b, goal))
    misses = [
        "| Known-item set | not at rank 1 | first result holds 3 / 2 / 1 / 0 of the 4 words"
        " adjacent | first result has more of the words in its title |",
        "|---|---:|---:|---:|"]
    for label, why in known_why.items():
        misses.append("| %s | %d | %s | %d |" % (
            label, why["misses"], " / ".join(str(why["first holds %d adjacent" % k])
                                            for k in (3, 2, 1, 0)),
            why["first has more in its title"]))
    misses += ["", "| Topic set | results not relevant | phrase there across punctuation |"
               " words there, not all adjacent | all the words in the title | queries with"
               " fewer than 10 results |", "|---|---:|---:|---:|---:|---:|"]
    for label, why in topic_why.items():
        misses.append("| %s | %d | %d | %d | %d | %d |" % (
            label, why["wrong"], why["across punctuation"], why["partly adjacent"],
            why["all words in title"], why["short"]))
    print("\n".join(table))
    print()
    print("\n".join(misses))
    print()
    print("Ours, known items not at rank 1 and topic results not relevant")
    print("(run: the longest run of the query's words adjacent and in order):")
    print("\n".join(notes))
    if bench_md:
        write_section(bench_md, qs, table, misses)
    say("done in %.0f s" % (time.time() - t0))


def write_section(path, qs, table, misses):
    ntopic = len(qs["topics"])
    held = sorted(len(q["relevant"]) for q in qs["topics"])
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True, check=False).stdout.strip() or "?"
    dirty = subprocess.run(["git", "diff", "--quiet", "HEAD", "--", "common", "indexer", "query"],
                           capture_output=True, check=False).returncode
    if dirty:
        commit += " + uncommitted changes"
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = ["<!-- eval -->", "", "## Ranking quality", "",
             "Written by `make eval` (`scripts/eval.sh`); this section is replaced on",
             "each run, the rest of the file is left alone.", "",
             "- Command: `make eval` (from the repository root)",
             "- Date: %s, commit %s" % (now, commit),
             "- Corpus: the %s articles of `../shared/corpus/vinews-35k.tar.xz`,"
             % format(qs["articles"], ","),
             "  indexed by `vnindex`; the baseline is SQLite FTS5 with `unicode61",
             "  remove_diacritics 2` over the same titles and bodies (read back from",
             "  our index), ranked by `%s`, queried with each word quoted," % BASE_RANK,
             "  all words required. Ours: `vnquery --json --limit 10 QUERY`, unquoted.",
             "- Query sets: `bench/eval_make.py`, seed %d. Known-item: %d phrases of"
             % (qs["seed"], len(qs["known"])),
             "  4 syllables from a body, adjacent in no other article (as written",
             "  or accent-free); (d) uses %d other phrases holding an open oa/oe/uy"
             % len(qs["tone"]),
             "  with a tone mark, typed with the mark moved (hòa ↔ hoà), with (a)",
             "  on those phrases as a control. Topic: %d phrases of 2-4 syllables"
             % ntopic,
             "  without function words, not cut out of a longer phrase, held",
             "  adjacent by %d to %d articles (median %d),"
             % (held[0], held[-1], held[len(held) // 2]),
             "  typed unquoted in lower case with and without diacritics; a result",
             "  is relevant when its title or body holds the phrase adjacent",
             "  (accent-free text for the accent-free kind), judged by the",
             "  script's own normalization, not by either engine.", "",
             *table, "",
             "Where vnsearch misses: for a known item not at rank 1, what the first",
             "result holds (adjacent: the longest run of the query's words in query",
             "order, punctuation ignored as FTS5 positions ignore it); for a topic",
             "result that does not hold the phrase, what it holds instead.", "",
             *misses,
             "", "<!-- /eval -->"]
    section = "\n".join(lines) + "\n"
    text = open(path, encoding="utf-8").read() if os.path.exists(path) else ""
    m = re.search(r"^<!-- eval -->\n.*?^<!-- /eval -->\n?", text, re.S | re.M)
    if m:
        text = text[:m.start()] + section + text[m.end():]
    elif re.search(r"^<!-- notes -->$", text, re.M):
        m = re.search(r"^<!-- notes -->\n?", text, re.M)
        text = text[:m.end()] + ("" if text[m.end() - 1:m.end()] == "\n" else "\n") \
            + "\n" + section + text[m.end():]
    else:
        text = text + ("" if text.endswith("\n") or not text else "\n") \
            + "\n<!-- notes -->\n\n" + section
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(path + ".tmp", path)
    say("wrote the eval section of %s" % path)


def main():
    a = sys.argv[1:]
    if len(a) == 3 and a[0] == "queries":
        cmd_queries(a[1], a[2])
    elif len(a) == 3 and a[0] == "baseline":
        cmd_baseline(a[1], a[2])
    elif len(a) in (5, 6) and a[0] == "run":
        cmd_run(*a[1:])
    else:
        print("usage:\n" + __doc__.split("\n\n")[1], file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
