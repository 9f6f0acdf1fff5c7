"""Text from the client's data or from a decision, made safe for the files that go to the client.

One place decides what is safe, and every writer uses it:

- :func:`safe_url`: only ``http:``, ``https:`` and ``mailto:`` links (and links inside the pack,
  without a scheme) survive. ``javascript:``, ``vbscript:``, ``data:`` and any other scheme are
  refused, also when hidden by case (``JaVaScRiPt:``), entities (``java&#x09;script:``), percent
  escapes, control characters or spaces.
- :func:`sanitize_links`: every URL attribute of an HTML fragment or page (``href``, ``src``,
  ``action``, ...) checked with :func:`safe_url`; a refused one is removed, as are event-handler
  attributes (``onclick``). Images keep ``data:image/...`` sources (the pack's figures).
- :func:`markdown_text`: a value put into Markdown as text: HTML-escaped, and with ``[`` and ``]``
  written as entities, so that it can never form a link or an image.
- :func:`cell_text`: a text cell for a spreadsheet or CSV file that never starts a formula
  (the OWASP guidance on CSV injection: a leading ``=``, ``+``, ``-``, ``@``, tab or carriage
  return gets a leading apostrophe). A number written as text (``-12``, ``+3.5``) is left alone.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import unquote

__all__ = ["FORMULA_START_PATTERN", "NUMBER_PATTERN", "SAFE_SCHEMES", "cell_text", "markdown_text", "safe_url", "sanitize_links", "starts_formula"]

#: The URL schemes a link in the pack may have.
SAFE_SCHEMES = ("http", "https", "mailto")
#: Attributes that hold a URL a browser follows or loads.
_URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "poster", "background",
                             "cite", "data", "srcset", "longdesc", "lowsrc", "dynsrc", "ping", "manifest",
                             "codebase", "archive", "profile", "usemap", "icon"})
#: Image data a page may embed (matplotlib's figures).
_IMAGE_DATA = re.compile(r"data:image/(png|jpeg|gif|webp|svg\+xml)[;,]")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
# Browsers drop ASCII tab and newlines anywhere in a URL, and leading and trailing controls and spaces.
_IGNORED = re.compile(r"[\x00-\x20\x7f-\x9f\u00a0\u1680\u2000-\u200f\u2028-\u202f\u205f\u3000\ufeff]+")
#: A text starting so may be run as a formula by a spreadsheet (also usable in DuckDB's regexp functions)...
FORMULA_START_PATTERN = r"^[=+\-@\t\r]"
#: ...unless the whole text is a number written as text, such as -12,5 or +3e2.
NUMBER_PATTERN = r"[+-]?([0-9]+([.,][0-9]*)?|[.,][0-9]+)([eE][+-]?[0-9]+)?"
_FORMULA_START = re.compile(FORMULA_START_PATTERN)
_NUMBER = re.compile(NUMBER_PATTERN)


def _normalised(url: str) -> str:
    text = str(url)
    for _ in range(3):  # entities and percent escapes, nested a few levels deep
        decoded = unquote(html.unescape(text))
        if decoded == text:
            break
        text = decoded
    return _IGNORED.sub("", text).lower()


def safe_url(url: Any, *, image: bool = False) -> bool:
    """Whether a link to ``url`` may appear on a page of the pack.

    Links without a scheme (``index.html``, ``#days``) and ``http:``, ``https:`` and ``mailto:``
    links are safe; with ``image=True`` also ``data:image/...`` (an embedded figure).

    >>> safe_url("https://example.org"), safe_url("JaVaScRiPt:alert(1)"), safe_url("java&#x09;script:x")
    (True, False, False)
    """
    if url is None:
        return True
    text = _normalised(url)
    if image and _IMAGE_DATA.match(text):
        return True
    match = _SCHEME.match(text)
    if match is None:
        # no scheme: a path inside the pack; a colon before any / ? # would still be read as one
        head = re.split(r"[/?#]", text, maxsplit=1)[0]
        return ":" not in head
    return match.group(1) in SAFE_SCHEMES


class _LinkFinder(HTMLParser):
    """Collects the start tags that carry an unsafe URL or an event handler, by their place in the text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.unsafe: list[tuple[int, int, str, list[tuple[str, str | None]], bool]] = []

    def handle_starttag(self, tag, attrs):
        self._check(tag, attrs, closed=False)

    def handle_startendtag(self, tag, attrs):
        self._check(tag, attrs, closed=True)

    def _check(self, tag: str, attrs, *, closed: bool) -> None:
        kept, dropped = [], False
        for name, value in attrs:
            lower = name.lower()
            if lower.startswith("on") or (lower in _URL_ATTRIBUTES and value is not None
                                          and not _safe_attribute(tag, lower, value)):
                dropped = True
            else:
                kept.append((name, value))
        if dropped:
            line, column = self.getpos()
            self.unsafe.append((line, column, self.get_starttag_text() or "", kept, closed))


def _safe_attribute(tag: str, name: str, value: str) -> bool:
    if name == "srcset":
        return all(safe_url(part.strip().split(" ")[0], image=True) for part in value.split(",") if part.strip())
    return safe_url(value, image=tag.lower() in ("img", "source", "picture") and name in ("src", "srcset"))


def sanitize_links(text: str) -> str:
    """``text`` (HTML) with every unsafe link and event handler removed; the rest unchanged, byte for byte.

    An ``<a href="javascript:...">`` keeps its text and loses its ``href``; ``<img src="data:image/png...">``
    stays.

    >>> sanitize_links('<a href="javascript:alert(1)">klik</a> <a href="https://x.nl">x</a>')
    '<a>klik</a> <a href="https://x.nl">x</a>'
    """
    if "<" not in text:
        return text
    finder = _LinkFinder()
    finder.feed(text)
    finder.close()
    if not finder.unsafe:
        return text
    starts = [0] + [m.end() for m in re.finditer("\n", text)]  # HTMLParser counts lines by \n only
    out, done = [], 0
    for line, column, raw, kept, closed in finder.unsafe:
        at = starts[line - 1] + column
        if text.startswith(raw, at) and at >= done:
            tag = re.match(r"<\s*([^\s/>]+)", raw).group(1)
            attributes = "".join(f" {n}" if v is None else f' {n}="{html.escape(v, quote=True)}"' for n, v in kept)
            out += [text[done:at], f"<{tag}{attributes}{' /' if closed else ''}>"]
            done = at + len(raw)
    out.append(text[done:])
    return "".join(out)


def markdown_text(value: Any) -> str:
    """``value`` as text inside Markdown: HTML-escaped, brackets as entities (never a link).

    >>> markdown_text("[klik](javascript:alert(1)) <b>")
    '&#91;klik&#93;(javascript:alert(1)) &lt;b&gt;'
    """
    return html.escape(str(value)).replace("[", "&#91;").replace("]", "&#93;")


def starts_formula(value: str) -> bool:
    """Whether a spreadsheet could read the text ``value`` as a formula (a number written as text cannot).

    >>> starts_formula("=1+1"), starts_formula("@SUM(A1)"), starts_formula("-12.5"), starts_formula("-1+1")
    (True, True, False, True)
    """
    return bool(_FORMULA_START.match(value)) and not _NUMBER.fullmatch(value)


def cell_text(value: str) -> str:
    """A text for a spreadsheet cell or CSV field that Excel, LibreOffice and Sheets never run as a formula.

    >>> cell_text('=HYPERLINK("http://x","y")'), cell_text("-12,5"), cell_text("first_line")
    ('\\'=HYPERLINK("http://x","y")', '-12,5', 'first_line')
    """
    return "'" + value if starts_formula(value) else value
