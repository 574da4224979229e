#!/usr/bin/env python3
"""Write the benchmark's queries, drawn from the unpacked corpus.

    make_queries.py CORPUS_DIR OUT      (scripts/bench.sh --new-queries)

Each query is a run of 1 to 6 consecutive Vietnamese syllables from the
body (line 2 on) of a random article, in lower case: never across
punctuation, never a number, never a word that is not a well-formed
Vietnamese syllable (so no English, no abbreviations). Queries alternate:
even lines keep the diacritics as written (and have at least one), odd
lines have them removed (NFD, combining marks dropped, đ -> d), so the
first 50 lines hold 25 of each. No query repeats. Lengths cycle 1..6 over
the pairs; about a third of the multi-word queries are quoted phrases. Seeded: the same
corpus always gives the same file.
"""
import os
import re
import sys
import unicodedata
import random

COUNT = 240
SEED = 2026
TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}  # huyền sắc ngã hỏi nặng

# A syllable once its tone mark is gone: onset, vowels, coda.
SYLLABLE = re.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|th|tr|qu|[bcdđghklmnprstvx])?"
    r"[aăâeêioôơuưy]{1,3}"
    r"(?:ch|ng|nh|[cmnpt])?")
WORD = re.compile(r"\w+")


def strip_tone(word):
    nfd = unicodedata.normalize("NFD", word)
    tones = sum(ch in TONES for ch in nfd)
    return unicodedata.normalize("NFC", "".join(ch for ch in nfd if ch not in TONES)), tones


def is_syllable(word):
    if not word.isalpha():
        return False
    base, tones = strip_tone(word)
    return tones <= 1 and SYLLABLE.fullmatch(base) is not None


def unaccent(text):
    nfd = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in nfd if not unicodedata.combining(ch))


def runs(body):
    """Maximal runs of syllables separated by single spaces only."""
    for piece in re.split(r"[^\w ]+|\s{2,}|_", body):
        words = piece.split(" ")
        run = []
        for w in words + [""]:
            if w and is_syllable(w):
                run.append(w)
                continue
            if run:
                yield run
            run = []


def pick(rng, files, n, accented):
    while True:
        path = rng.choice(files)
        with open(path, encoding="utf-8", errors="replace") as f:
            f.readline()
            body = unicodedata.normalize("NFC", f.read().lower())
        candidates = [r for r in runs(body) if len(r) >= n]
        if not candidates:
            continue
        run = rng.choice(candidates)
        at = rng.randrange(len(run) - n + 1)
        words = run[at:at + n]
        text = " ".join(words)
        if accented and text.isascii():
            continue
        return text if accented else unaccent(text)


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: make_queries.py CORPUS_DIR OUT")
    root, out = sys.argv[1], sys.argv[2]
    files = sorted(os.path.join(root, name) for name in os.listdir(root)
                   if name.endswith(".txt"))
    rng = random.Random(SEED)
    lines, seen = [], set()
    for i in range(COUNT):
        n = 1 + (i // 2) % 6
        text = pick(rng, files, n, accented=i % 2 == 0)
        while text in seen:
            text = pick(rng, files, n, accented=i % 2 == 0)
        seen.add(text)
        if n > 1 and rng.random() < 1 / 3:
            text = '"' + text + '"'
        lines.append(text)
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    print("make_queries: %d queries in %s" % (len(lines), out))


if __name__ == "__main__":
    main()
