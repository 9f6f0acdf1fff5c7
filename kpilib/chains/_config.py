"""Customer chains as data: the ``lines:`` and ``chains:`` blocks of ``workshop.yaml``.

``lines:`` gives the intended order of the support lines (a handoff from a later line to an
earlier one is *backwards*), the teams outside that order (billing), and what the status log's
statuses mean for time: ``waiting`` statuses (a ticket handed over, not yet picked up) and
``done`` statuses (the need is fulfilled; time after it does not count)::

    lines:
      order: [first_line, second_line, field]
      outside: [billing]
      waiting: [Toegewezen]
      done: [Opgelost, Gesloten]

``chains:`` declares each customer chain (*klantketen*), keyed by its id: its name, which cases
belong (``cases:`` with any of ``category``, ``reason`` — of the case's first contact — and
``first_team``; a case belongs when it matches all that are given), where the need starts, what
counts as fulfilled, and the customer's norm in working days::

    chains:
      fault:
        name: Fault repaired
        cases: {category: fault}
        start: case_opened          # or order_placed (the orders table)
        fulfilled: resolved         # resolved or closed; first_contact or delivered for orders
        norm_days: 3

A name is a text, or one per language of the workshop: ``name: {en: Fault repaired, nl: Storing
verholpen}``; the chain reads by its name in the workshop's language, in English when that one is missing.

Without a ``chains:`` block every case category is a chain of its own, with the norm
:data:`DEFAULT_NORM_DAYS`; without ``lines:`` the line order is the order in which cases
usually reach the teams (see :func:`default_lines`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from numbers import Real
from typing import Any

from kpilib._codes import category_words, in_language, language_names
from kpilib._i18n import LANGUAGES, format_number, tr
from kpilib.chains._discovery import default_lines
from kpilib.chains._lines import Lines
from kpilib.exceptions import WorkshopError

__all__ = ["Chain", "Lines", "DEFAULT_NORM_DAYS", "chain_names", "find_chain", "load_chains", "load_lines"]

#: A chain's norm in words, by (fulfilled, from the order) and for one day or more.
_NORM_WORDS = {
    (fulfilled, order): tuple(f"{what} within {{days}} working {unit} of {since}" for unit in ("day", "days"))
    for fulfilled, what in (("resolved", "resolved"), ("closed", "closed"), ("first_contact", "first contact"),
                            ("delivered", "delivered"))
    for order, since in ((True, "the order"), (False, "opening"))
}

#: The customer's norm of a default chain: need fulfilled within 3 working days.
DEFAULT_NORM_DAYS = 3
#: Where a need can start, and what can fulfil it from there.
STARTS = {"case_opened": ("resolved", "closed"), "order_placed": ("first_contact", "delivered")}
MEMBERSHIP = ("category", "reason", "first_team")
_CHAIN_KEYS = ("name", "cases", "start", "fulfilled", "norm_days")
_LINE_KEYS = ("order", "outside", "waiting", "done")


@dataclass(frozen=True)
class Chain:
    """One customer chain: a need, from where it starts to fulfilled, against the customer's norm."""

    id: str
    name: str  # in the workshop's language
    category: tuple[str, ...] | None = None
    reason: tuple[str, ...] | None = None
    first_team: tuple[str, ...] | None = None
    start: str = "case_opened"
    fulfilled: str = "resolved"
    norm_days: float = DEFAULT_NORM_DAYS

    @property
    def norm(self) -> str:
        """The customer's norm in words: ``resolved within 3 working days``."""
        template = _NORM_WORDS[self.fulfilled, self.start == "order_placed"]
        days = format_number(self.norm_days, 0 if float(self.norm_days).is_integer() else 1)
        return tr(template[0] if self.norm_days == 1 else template[1]).format(days=days)

    @property
    def membership(self) -> dict[str, tuple[str, ...]]:
        """The membership rules that are set: ``{"category": ("fault",)}``."""
        return {k: getattr(self, k) for k in MEMBERSHIP if getattr(self, k) is not None}


def load_lines(config, *, events=None) -> Lines:
    """The ``lines:`` block of a workshop, checked; a default from ``events`` when there is none.

    Parameters
    ----------
    config : kpilib.data.config.WorkshopConfig
        The workshop's configuration (``ws.config``).
    events : pandas.DataFrame or ibis Table, optional
        Events (or contacts) to derive the default order from (:func:`default_lines`).

    Raises
    ------
    WorkshopError
        When the block has mistakes; all are listed, each with its line in workshop.yaml.
    """
    block = config.section("lines")
    if block is None:
        if events is None:
            return Lines()
        return default_lines(events)
    problems: list[str] = []
    if not isinstance(block, Mapping):
        _fail(config, [f"{config.where('lines')}: expected keys {_keys(_LINE_KEYS)}; found {block!r}"])
    problems += _unknown(config, ("lines",), block, _LINE_KEYS)
    values = {k: _names(config, problems, ("lines", k), block.get(k)) for k in _LINE_KEYS}
    order, outside = values["order"] or (), values["outside"] or ()
    for team in sorted(set(order) & set(outside)):
        problems.append(f"{config.where('lines', 'outside')}: {team!r} is both in `order` and in "
                        f"`outside`; keep it in one of them.")
    for key in ("order", "outside"):
        repeated = sorted({t for t in values[key] or () if (values[key] or ()).count(t) > 1})
        if repeated:
            problems.append(f"{config.where('lines', key)}: {', '.join(map(repr, repeated))} given twice.")
    _fail(config, problems)
    return Lines(order=order, outside=outside, waiting=values["waiting"], done=values["done"])


def load_chains(config, *, cases=None, norm_days: float = DEFAULT_NORM_DAYS) -> list[Chain]:
    """The customer chains of a workshop (its ``chains:`` block), checked.

    Parameters
    ----------
    config : kpilib.data.config.WorkshopConfig
        The workshop's configuration.
    cases : pandas.DataFrame or ibis Table, optional
        The canonical cases; without a ``chains:`` block every category found in them becomes a
        chain (most cases first).
    norm_days : float
        The customer's norm of the default chains, in working days.

    Returns
    -------
    list of Chain
        In the order of the file.

    Raises
    ------
    WorkshopError
        When the block has mistakes; all are listed, each with its line in workshop.yaml.
    """
    block = config.section("chains")
    if block is None:
        return [] if cases is None else default_chains(cases, norm_days=norm_days)
    if isinstance(block, Sequence) and not isinstance(block, str):
        items = []
        for i, item in enumerate(block):
            if not isinstance(item, Mapping) or not isinstance(item.get("id"), str):
                _fail(config, [f"{config.where('chains', i)}: each chain in a list needs an `id`; "
                               f"found {item!r}. Or write the chains as a block keyed by their id."])
            items.append((item["id"], (i,), {k: v for k, v in item.items() if k != "id"}))
    elif isinstance(block, Mapping):
        items = [(str(key), (str(key),), value) for key, value in block.items()]
    else:
        _fail(config, [f"{config.where('chains')}: expected one block per chain, keyed by its id; "
                       f"found {block!r}"])
    problems: list[str] = []
    chains = [_chain(config, problems, chain_id, ("chains", *at), spec) for chain_id, at, spec in items]
    _fail(config, problems)
    return chains


def chain_names(config) -> dict[str, str | dict[str, str]]:
    """Chain id → its name as the ``chains:`` block writes it (a text, or language → text); {} without a block.

    Only the names are read, for :func:`kpilib._codes.chain_name`: a chain without a usable name is left
    out here, and :func:`load_chains` reports the block's mistakes where the chains are used.
    """
    block = config.section("chains")
    if isinstance(block, Mapping):
        items = [(str(key), spec) for key, spec in block.items()]
    elif isinstance(block, Sequence) and not isinstance(block, str):
        items = [(item["id"], item) for item in block if isinstance(item, Mapping) and isinstance(item.get("id"), str)]
    else:
        return {}
    names = {}
    for chain_id, spec in items:
        name = language_names(spec.get("name", chain_id)) if isinstance(spec, Mapping) else None
        if name is not None:
            names[chain_id] = name
    return names


def find_chain(chains: Sequence[Chain], chain_id: str | None = None) -> Chain:
    """The chain with id ``chain_id``, or the first chain when it is empty or None.

    A ParameterError names the ids there are; a WorkshopError says how to declare chains when
    there are none.
    """
    from kpilib._checks import check_argument

    if not chains:
        raise WorkshopError("this workshop has no customer chains: workshop.yaml has no `chains:` block and "
                            "its cases have no category to make one chain per category from. Declare the "
                            "chains in a `chains:` block (docs/mapping.md, \"The workshop's own blocks\").")
    if not chain_id:
        return chains[0]
    check_argument("chain", chain_id, [c.id for c in chains])
    return next(c for c in chains if c.id == chain_id)


def default_chains(cases, *, norm_days: float = DEFAULT_NORM_DAYS) -> list[Chain]:
    """One chain per case category, the most frequent first: ``resolved within norm_days``."""
    from kpilib.data import backend
    from kpilib.data._inputs import canonical

    inp = canonical(cases, "cases", required=("case_id", "category"))
    t = inp.table.filter(inp.table.category.notnull())
    counts = backend.execute(t.group_by("category").aggregate(n=t.count()), con=inp.con,
                             time_zone=inp.time_zone)
    counts = counts.sort_values(["n", "category"], ascending=[False, True])
    return [Chain(id=str(c), name=_capitalised(category_words(c)), category=(str(c),), norm_days=norm_days)
            for c in counts["category"]]


def _capitalised(words: str) -> str:
    return words[:1].upper() + words[1:]


# -- checks -----------------------------------------------------------------------------------

def _chain(config, problems: list[str], chain_id: str, at: tuple, spec: Any) -> Chain:
    if not isinstance(spec, Mapping):
        problems.append(f"{config.where(*at)}: expected the keys of a chain ({_keys(_CHAIN_KEYS)}); "
                        f"found {spec!r}")
        return Chain(id=chain_id, name=chain_id)
    problems += _unknown(config, at, spec, _CHAIN_KEYS)
    name = language_names(spec.get("name", chain_id))
    if name is None:
        problems.append(f"{config.where(*at, 'name')}: expected the chain's name as text, or one per language "
                        f"such as {{en: Fault repaired, nl: Storing verholpen}} (languages "
                        f"{_keys(LANGUAGES)}); found {spec.get('name')!r}")
        name = chain_id
    members: dict[str, tuple[str, ...] | None] = {}
    rules = spec.get("cases")
    if rules is not None and not isinstance(rules, Mapping):
        problems.append(f"{config.where(*at, 'cases')}: expected rules such as {{category: fault}} "
                        f"(keys {_keys(MEMBERSHIP)}); found {rules!r}")
    elif rules:
        problems += _unknown(config, (*at, "cases"), rules, MEMBERSHIP)
        members = {k: _names(config, problems, (*at, "cases", k), rules.get(k)) for k in MEMBERSHIP}
    start = spec.get("start", "case_opened")
    if start not in STARTS:
        problems.append(f"{config.where(*at, 'start')}: expected one of {_keys(STARTS)}; found {start!r}")
        start = "case_opened"
    fulfilled = spec.get("fulfilled", STARTS[start][0])
    if fulfilled not in STARTS[start]:
        problems.append(f"{config.where(*at, 'fulfilled')}: a chain that starts at {start!r} is fulfilled "
                        f"at one of {_keys(STARTS[start])}; found {fulfilled!r}")
        fulfilled = STARTS[start][0]
    norm_days = spec.get("norm_days", DEFAULT_NORM_DAYS)
    if not isinstance(norm_days, Real) or isinstance(norm_days, bool) or norm_days < 0:
        problems.append(f"{config.where(*at, 'norm_days')}: expected the customer's norm in working days "
                        f"(a number >= 0, such as 3); found {norm_days!r}")
        norm_days = DEFAULT_NORM_DAYS
    if start == "case_opened" and not any(members.values()):
        problems.append(f"{config.where(*at, 'cases')}: say which cases belong to the chain, for example "
                        f"`cases: {{category: {chain_id}}}`")
    language = config.section("language", "en")
    return Chain(id=chain_id, name=in_language(name, language if language in LANGUAGES else "en"), start=start, fulfilled=fulfilled, norm_days=norm_days,
                 **{k: v for k, v in members.items() if v})


def _names(config, problems: list[str], at: tuple, value: Any) -> tuple[str, ...] | None:
    """A name or a list of names as a tuple of str; None when not given."""
    if value is None:
        return None
    items = [value] if isinstance(value, (str, int)) and not isinstance(value, bool) else value
    if not isinstance(items, Sequence) or isinstance(items, str) or not all(
            isinstance(v, (str, int)) and not isinstance(v, bool) for v in items):
        problems.append(f"{config.where(*at)}: expected a name or a list of names such as "
                        f"[first_line, second_line]; found {value!r}")
        return None
    return tuple(str(v) for v in items)


def _unknown(config, at: tuple, block: Mapping, allowed: Sequence[str]) -> list[str]:
    return [f"{config.where(*at, key)}: unknown key `{key}`; expected one of {_keys(allowed)}"
            for key in block if key not in allowed]


def _keys(names) -> str:
    return ", ".join(f"`{n}`" for n in names)


def _fail(config, problems: list[str]) -> None:
    if problems:
        n = len(problems)
        raise WorkshopError("\n".join([f"{config.path.name} has {n} problem{'s' if n != 1 else ''} "
                                       f"in its customer chains:", *[f"  - {p}" for p in problems]]))
