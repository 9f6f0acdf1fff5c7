"""The language kpilib writes in: its texts from the catalogues, and the cells of a notebook in one language.

Texts a reader sees are written in English in the code and translated here, from the gettext
catalogues in ``kpilib/locale/<language>/*.po`` (read with Babel; every ``.po`` file of a language is
one catalogue, so a day's texts and the library's can live in files of their own). A text with no
translation is shown in English; ``tests/test_i18n.py`` fails on any such text it can find in the
code, and with ``KPI_UNTRANSLATED=<file>`` set, every text asked for without a translation is
appended to that file (render a pack in the language to list what a translator still has to do).

The language is the workshop's: :func:`kpilib.open_workshop` sets it, and every later text, number
and date follows it. :func:`set_language` sets it by hand.

The day notebooks hold their narrative once per language: a Markdown cell tagged ``lang-en`` is
followed by its translation, tagged ``lang-nl``. :func:`in_language` keeps the cells of one language
(render and the live copies call it); the texts in code cells go through the catalogue.
"""

from __future__ import annotations

import ast
import functools
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = ["LANGUAGES", "current_language", "format_date", "format_datetime", "format_number", "format_percent",
           "format_points", "country_name", "in_language", "notebook_messages", "set_language", "time_zone_name", "tr", "trn",
           "weekday_names"]

#: The languages of the workshop's texts.
LANGUAGES = ("en", "nl")

LOCALE = Path(__file__).resolve().parent / "locale"

#: The keyword arguments of kpilib's display functions that carry a text a reader sees.
TEXT_KEYWORDS = ("caption", "shows", "title", "what", "ylabel", "xlabel", "description", "placeholder")
#: The functions whose first argument is such a text.
TEXT_FUNCTIONS = ("narrate", "tr")

_language = ["en"]
#: The percent sign as each language writes it: Dutch with a (non-breaking) space, as the Taalunie advises.
_PERCENT_SIGN = {"en": "%", "nl": "\u00a0%"}


def set_language(language: str) -> None:
    """Write every later text, number and date in ``language`` (``"en"`` or ``"nl"``)."""
    from kpilib._checks import check_argument

    check_argument("language", language, LANGUAGES)
    _language[0] = language


def current_language() -> str:
    """The language kpilib writes in now."""
    return _language[0]


@functools.cache
def catalogue(language: str) -> dict[str, str]:
    """Every translated text of ``language``: English text → translation, from all its ``.po`` files."""
    from babel.messages.pofile import read_po

    messages: dict[str, str] = {}
    for path in sorted((LOCALE / language).glob("*.po")):
        with path.open("rb") as file:
            for message in read_po(file, locale=language):
                if message.id and message.string and not message.fuzzy and not message.pluralizable:
                    messages[message.id] = message.string
    return messages


@functools.cache
def plural_catalogue(language: str) -> dict[tuple[str, str], tuple[str, ...]]:
    """Every translated text of ``language`` that depends on a count: (singular, plural) → its forms, in CLDR order."""
    from babel.messages.pofile import read_po

    messages: dict[tuple[str, str], tuple[str, ...]] = {}
    for path in sorted((LOCALE / language).glob("*.po")):
        with path.open("rb") as file:
            for message in read_po(file, locale=language):
                if message.pluralizable and all(message.string) and not message.fuzzy:
                    messages[tuple(message.id)] = tuple(message.string)
    return messages


@functools.cache
def _translations(language: str) -> frozenset[str]:
    return frozenset(catalogue(language).values()) | {form for forms in plural_catalogue(language).values()
                                                     for form in forms}


def tr(text: str, language: str | None = None) -> str:
    """``text`` in the current language (or ``language``); in English when it has no translation yet.

    Examples
    --------
    >>> tr("Service level", "nl")
    'Servicelevel'
    """
    language = language or _language[0]
    if language == "en" or not text:
        return text
    found = catalogue(language).get(text)
    if found is None and os.environ.get("KPI_UNTRANSLATED") and _translations(language).isdisjoint([text]) \
            and any(c.isalpha() for c in text):
        _note_untranslated(text, language)  # not a translation already, and words rather than a number
    return text if found is None else found


#: The plural categories in the order gettext numbers a message's forms (``msgstr[0]``, ``msgstr[1]`` …).
_PLURAL_ORDER = ("zero", "one", "two", "few", "many", "other")


def trn(singular: str, plural: str, count: float, language: str | None = None) -> str:
    """The text for ``count`` things in the current language: ``singular`` for one, ``plural`` for more (or none).

    The ``.po`` entry has a ``msgid_plural`` and one ``msgstr[i]`` per plural form of the language;
    the form is the one CLDR gives ``count`` (Dutch and English: ``1`` singular, ``0`` and ``2`` plural).
    ``{}`` placeholders are filled in by the caller, as with :func:`tr`.

    Examples
    --------
    >>> trn("{lead} of the {n} KPIs leads: it moves before the results do.",
    ...     "{lead} of the {n} KPIs lead: they move before the results do.", 1, "nl")
    "{lead} van de {n} KPI's is voorlopend: die beweegt voordat de resultaten dat doen."
    """
    from babel import Locale

    language = language or _language[0]
    locale = Locale.parse(language)
    category = locale.plural_form(abs(count))
    if language == "en":
        return singular if category == "one" else plural
    forms = plural_catalogue(language).get((singular, plural))
    if forms is None:
        if os.environ.get("KPI_UNTRANSLATED"):
            _note_untranslated(singular, language)
        return singular if category == "one" else plural
    used = [c for c in _PLURAL_ORDER if c in locale.plural_form.tags | {"other"}]
    return forms[min(used.index(category), len(forms) - 1)]


def _note_untranslated(text: str, language: str) -> None:
    """Append a text with no translation to the file in ``KPI_UNTRANSLATED`` (a translator's list, one JSON per line)."""
    import json

    with open(os.environ["KPI_UNTRANSLATED"], "a", encoding="utf-8") as file:
        file.write(json.dumps({"language": language, "text": text}, ensure_ascii=False) + "\n")


def cell_language(cell: Any) -> str | None:
    """The language a cell is written in (its ``lang-xx`` tag), or None for a cell of every language."""
    for tag in cell.get("metadata", {}).get("tags", []):
        if tag.startswith("lang-"):
            return tag[len("lang-"):]
    return None


def in_language(nb: Any, language: str) -> Any:
    """``nb`` with only the cells of ``language`` and of every language (a copy; ``nb`` is not changed)."""
    import copy

    kept = copy.copy(nb)
    kept["cells"] = [cell for cell in nb["cells"] if cell_language(cell) in (None, language)]
    kept["metadata"] = copy.copy(nb["metadata"])
    return kept


def notebook_messages(nb: Any) -> Iterator[tuple[int, str | tuple[str, str]]]:
    """The texts of ``nb``'s code cells that a reader sees, with their cell numbers: what the catalogue translates.

    A text is a string literal given to ``narrate`` or ``tr`` first, or as one of :data:`TEXT_KEYWORDS`,
    a pair of them given to ``trn`` (yielded as a ``(singular, plural)`` tuple),
    or a label or text of the day's summary: ``results = {"Label": …, "Other": "text"}``, ``results["Label"] = …``.
    """
    for number, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            texts = []
            if isinstance(node, ast.Call):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                texts = [node.args[0]] if name in TEXT_FUNCTIONS and node.args else []
                if name == "trn" and len(node.args) >= 2 and all(isinstance(a, ast.Constant) for a in node.args[:2]):
                    yield number, (node.args[0].value, node.args[1].value)
                texts += [k.value for k in node.keywords if k.arg in TEXT_KEYWORDS]
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                texts = _summary_texts(node)
            for text in texts:
                if isinstance(text, ast.Constant) and isinstance(text.value, str) and text.value.strip():
                    yield number, text.value


def format_number(value: float, decimals: int = 0, language: str | None = None) -> str:
    """``7749`` → ``7,749`` (English), ``7.749`` (Dutch); with ``decimals`` that many after the point."""
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=language or _language[0])


def format_percent(share: float, decimals: int = 0, language: str | None = None) -> str:
    """A share as a percentage: ``0.84`` → ``84%`` (English), ``84 %`` (Dutch)."""
    from babel.numbers import format_percent as babel_percent

    language = language or _language[0]
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "") + _PERCENT_SIGN[language]
    return babel_percent(share, format=pattern, locale=language)


def format_points(difference: float, decimals: int = 1, language: str | None = None, *, sign: bool = True) -> str:
    """A difference of two shares in percentage points: ``-0.712`` → ``-71.2 percentage points`` / ``-71,2 procentpunt``.

    ``sign``: write ``+`` before a rise (``+5.0``); without it a spread (highest minus lowest) reads ``72.1``.
    """
    number = format_number(difference * 100, decimals, language)
    plus = "+" if sign and round(difference * 100, decimals) > 0 else ""
    return f"{plus}{number}\u00a0{tr('percentage points', language)}"


def format_date(date: Any, pattern: str = "d-M-y", language: str | None = None) -> str:
    """A date by a Babel ``pattern``: ``EEEE d MMMM y`` → ``donderdag 4 december 2026``."""
    import babel.dates

    return babel.dates.format_date(date, pattern, locale=language or _language[0])


def format_datetime(moment: Any, language: str | None = None) -> str:
    """A moment as ``03-12-2026 18:45`` (the same in both languages: the client's exports write it so)."""
    return f"{moment:%d-%m-%Y %H:%M}"


def _summary_texts(node: ast.Assign | ast.AnnAssign) -> list[ast.expr]:
    """The labels (and literal texts) of a day's ``results``, which :func:`kpilib.day_summary` shows."""
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    texts: list[ast.expr] = []
    for target in targets:
        if isinstance(target, ast.Name) and target.id == "results" and isinstance(node.value, ast.Dict):
            texts += [k for k in node.value.keys if k is not None]
            texts += [v for v in node.value.values if isinstance(v, ast.Constant)]
            texts += [v.values[-1] for v in node.value.values if isinstance(v, ast.BoolOp)]  # x or "not yet"
        elif isinstance(target, ast.Subscript) and getattr(target.value, "id", None) == "results":
            texts.append(target.slice)
    return texts


#: strftime directives and the Babel (CLDR) pattern letters that write the same in every language.
_STRFTIME = {"%A": "EEEE", "%a": "EEE", "%B": "MMMM", "%b": "MMM", "%d": "dd", "%m": "MM", "%Y": "y", "%y": "yy",
             "%H": "HH", "%M": "mm", "%S": "ss", "%e": "d", "%-d": "d", "%%": "%"}


def localise_strftime(pattern: str) -> str | None:
    """A strftime ``pattern`` (``%B %Y``) as a Babel date pattern (``MMMM y``), or None when it has other directives."""
    out, text = [], []
    i = 0
    while i < len(pattern):
        two, three = pattern[i:i + 2], pattern[i:i + 3]
        token = three if three in _STRFTIME else two if two in _STRFTIME else None
        if token is None and pattern[i] == "%":
            return None
        if token is None:
            text.append(pattern[i])
            i += 1
            continue
        if text:
            literal = "".join(text)
            out.append("'" + literal.replace("'", "''") + "'" if any(c.isalpha() for c in literal) else literal)
            text = []
        out.append(_STRFTIME[token])
        i += len(token)
    if text:
        literal = "".join(text)
        out.append("'" + literal.replace("'", "''") + "'" if any(c.isalpha() for c in literal) else literal)
    return "".join(out)


#: Time zones without a place of their own, which CLDR names "Unknown Region (UTC) Time".
_UNIVERSAL = ("UTC", "Etc/UTC", "Etc/UCT", "UCT", "Etc/Universal", "Universal", "Zulu", "Etc/Zulu", "GMT", "Etc/GMT")


def time_zone_name(zone: str, language: str | None = None) -> str:
    """A time zone as a reader knows it: ``Europe/Amsterdam`` → ``Central European Time`` / ``Midden-Europese tijd``."""
    import babel.dates

    if zone in _UNIVERSAL:
        return tr("Coordinated Universal Time (UTC)", language)
    return babel.dates.get_timezone_name(babel.dates.get_timezone(zone), "long", "generic",
                                         locale=language or _language[0])


def country_name(code: str, language: str | None = None) -> str:
    """A country by its ISO code, in the language: ``NL`` → ``Netherlands`` / ``Nederland`` (the code if unknown)."""
    from babel import Locale

    return Locale.parse(language or _language[0]).territories.get(str(code).upper(), str(code))


def weekday_names(width: str = "abbreviated", language: str | None = None) -> list[str]:
    """Monday to Sunday in the language: ``Mon`` … ``Sun``; Dutch ``ma`` … ``zo`` (``width="wide"``: maandag …)."""
    import babel.dates

    names = babel.dates.get_day_names(width, locale=language or _language[0])
    return [names[i] for i in range(7)]


def format_moment(moment: Any, strftime: str, language: str | None = None) -> str:
    """``moment`` by a strftime pattern, with month and day names in the language: ``%B %Y`` → ``april 2026``."""
    pattern = localise_strftime(strftime)
    if pattern is None:
        return moment.strftime(strftime)
    import babel.dates

    if any(c in pattern for c in "Hms"):
        return babel.dates.format_datetime(moment, pattern, locale=language or _language[0])
    return babel.dates.format_date(moment, pattern, locale=language or _language[0])
