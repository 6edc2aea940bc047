"""Vietnamese text as people type it: one normal form for indexing and querying, the query's
parts, and HTML snippets with the matches marked.

- `normalize`: NFC (a query typed in NFD finds NFC text) with every line break a space.
- `fold`: accents, `đ` and case gone (`portal.text.fold`): "Đà Nẵng" -> "da nang".
- `exact`: accents kept, case and tone placement unified: "Thủy" and "thuỷ" -> "thuỷ", so a
  query typed with the right accents can rank exact-accent matches first.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field

from portal.text import fold as _fold

# the five tone marks, as combining characters (NFD)
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
# the old ("hóa", "thủy") and new ("hoá", "thuỷ") tone placement differ in these endings
_GLIDES = re.compile(r"(?:^|[^q])(oa|oe|uy)$")
_WORD = re.compile(r"\w+", re.UNICODE)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def normalize(text) -> str:
    """NFC, no control characters, collapsed spaces."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", str(text))
    return " ".join(_CONTROL.sub(" ", text).split())


def fold(text) -> str:
    return _fold(normalize(text))


def _canonical_word(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    tones = [ch for ch in decomposed if ch in _TONES]
    if len(tones) != 1:
        return word
    bare = "".join(ch for ch in decomposed if ch not in _TONES)
    letters = "".join(ch for ch in unicodedata.normalize("NFD", bare) if not unicodedata.combining(ch))
    if not _GLIDES.search(letters):
        return word
    # put the tone on the last vowel (the new placement): "thủy" -> "thuỷ", "hóa" -> "hoá"
    return unicodedata.normalize("NFC", bare + tones[0])


def exact(text) -> str:
    """Lower case, NFC, one tone placement; accents and đ kept."""
    return _WORD.sub(lambda m: _canonical_word(m.group(0)), normalize(text).lower())


def words(text) -> list[str]:
    return _WORD.findall(text)


@dataclass
class ParsedQuery:
    """A query as typed: bare words (all must match), "quoted phrases" and -excluded words,
    each already normalized (NFC); `folded()` and `exact()` give the backends their forms."""

    raw: str = ""
    terms: list[str] = field(default_factory=list)
    phrases: list[list[str]] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)

    def __bool__(self):
        return bool(self.terms or self.phrases)

    def all_words(self) -> list[str]:
        return self.terms + [w for phrase in self.phrases for w in phrase]

    def mapped(self, fn) -> ParsedQuery:
        def each(ws):
            return [w for word in ws for w in words(fn(word))]

        return ParsedQuery(
            raw=self.raw,
            terms=each(self.terms),
            phrases=[p for p in (each(phrase) for phrase in self.phrases) if p],
            excluded=each(self.excluded),
        )

    def folded(self) -> ParsedQuery:
        return self.mapped(fold)

    def exact(self) -> ParsedQuery:
        return self.mapped(exact)

    def websearch(self) -> str:
        """The query in websearch syntax (PostgreSQL's websearch_to_tsquery reads it; it never
        raises on any input): words, "phrases", -words."""
        parts = list(self.terms)
        parts += ['"' + " ".join(p) + '"' for p in self.phrases]
        parts += ["-" + w for w in self.excluded]
        return " ".join(parts)


_PHRASE = re.compile(r'"([^"]*)"?')


def parse_query(raw) -> ParsedQuery:
    """Split what the user typed into words, "phrases" (an unclosed quote runs to the end) and
    -excluded words; punctuation never reaches a backend, only word characters do."""
    text = normalize(raw)[:500]
    query = ParsedQuery(raw=text)
    rest = []
    pos = 0
    for m in _PHRASE.finditer(text):
        rest.append(text[pos : m.start()])
        phrase = words(m.group(1))
        if len(phrase) == 1:
            query.terms.append(phrase[0])
        elif phrase:
            query.phrases.append(phrase)
        pos = m.end()
    rest.append(text[pos:])
    for chunk in rest:
        for token in chunk.split():
            if token.startswith("-") and len(token) > 1:
                query.excluded.extend(words(token))
            else:
                query.terms.extend(words(token))
    return query


# --- snippets -------------------------------------------------------------------------------

# what the backends put around a match before the text is escaped (never in indexed text:
# normalize() removes control characters)
START, STOP = "\x02", "\x03"


def marked_to_html(text: str) -> str:
    """Escape `text` and turn the START/STOP sentinels into <mark>…</mark>."""
    escaped = html.escape(text.replace(START + STOP, ""), quote=True)
    return escaped.replace(START, "<mark>").replace(STOP, "</mark>")


def _folded_with_map(text: str):
    """fold() character by character, with the index in `text` of each folded character."""
    out, where = [], []
    for i, ch in enumerate(text):
        for f in _fold(ch) if not ch.isspace() else " ":
            out.append(f)
            where.append(i)
    return "".join(out), where


def snippet(text: str, query: ParsedQuery, *, size: int = 220) -> str:
    """An HTML fragment of `text` around the first match of the query's words (matched folded,
    so "ha noi" marks "Hà Nội"), every match in <mark>, everything else escaped."""
    text = normalize(text)
    if not text:
        return ""
    folded, where = _folded_with_map(text)
    wanted = sorted({w for w in query.folded().all_words() if w}, key=len, reverse=True)
    spans = []
    if wanted:
        pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in wanted) + r")(?!\w)")
        for m in pattern.finditer(folded):
            if m.end() > m.start():
                spans.append((where[m.start()], where[m.end() - 1] + 1))
    first = spans[0][0] if spans else 0
    start = max(0, first - size // 3)
    if start:
        space = text.rfind(" ", 0, start)
        start = space + 1 if space >= 0 and start - space < 30 else start
    end = min(len(text), start + size)
    if end < len(text):
        space = text.find(" ", end)
        end = space if 0 <= space < end + 30 else end
    pieces, pos = [], start
    for s, e in spans:
        if s < start or e > end or s < pos:
            continue
        pieces += [text[pos:s], START, text[s:e], STOP]
        pos = e
    pieces.append(text[pos:end])
    out = marked_to_html("".join(pieces))
    return ("… " if start else "") + out + (" …" if end < len(text) else "")
