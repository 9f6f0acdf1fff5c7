"""The catalogue of candidate KPIs: what each one answers, how it is defined and computed.

The catalogue lives in ``kpilib/kpis/catalogue.yaml``, one entry per KPI. An entry's id is the
name of the kpilib function that computes it (registered with
:func:`kpilib.kpis._registry.kpi_function`), and its *definition* parameters are that function's
keyword parameters (the choices a group makes on day 6). :func:`load_catalogue` reads and checks
the file: every function must exist, every definition parameter must be a parameter of it, and
every definitional parameter of the function must be listed. :func:`compute_kpi` runs an entry's
call on a workshop's tables.

Examples
--------
>>> catalogue = load_catalogue()
>>> catalogue.entry("service_level").call()
"kpilib.service_level(contacts, threshold_s=20, clock='queue', abandoned='fail', short_abandon_s=0, short_abandon_clock=None, channel='phone')"
"""

from __future__ import annotations

import functools
import importlib
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from kpilib._i18n import current_language
from kpilib._checks import check_argument, check_number
from kpilib.exceptions import ParameterError, WorkshopError
from kpilib.kpis._registry import KPI_FUNCTIONS

__all__ = ["CATALOGUE_FILE", "Catalogue", "DefinitionParameter", "KpiEntry", "compute_kpi", "load_catalogue",
           "missing_inputs"]

#: The catalogue shipped with kpilib.
CATALOGUE_FILE = Path(__file__).with_name("catalogue.yaml")

#: Units of a KPI's value and the range a value (and so a target) can take.
UNITS = {"share": (0.0, 1.0), "seconds": (0.0, None), "per_case": (0.0, None),
         "nps": (-100.0, 100.0), "ces": (1.0, 7.0)}
POLARITIES = ("higher", "lower")
KINDS = {"level": ("result", "performance"), "timing": ("lead", "lag"), "view": ("customer_seen", "internal")}
#: Keyword parameters of a KPI function that are not definitional: set by the workshop or the caller.
NOT_DEFINITION = ("by", "as_of", "calendar", "interval_minutes", "interval_of")

_FIELDS = ("id", "name", "question", "chain", "customer_value", "kind", "formula", "inputs", "definition",
           "norm", "unit", "polarity", "gaming")
_OPTIONAL = ("norm",)
_PARAMETER_KEYS = ("choices", "minimum", "maximum", "strict", "integer", "text", "list", "nullable", "default")
_MISSING = inspect.Parameter.empty


@dataclass(frozen=True)
class DefinitionParameter:
    """One definitional choice of a KPI: its allowed values and its default."""

    name: str
    default: Any = None
    choices: tuple[Any, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    strict: bool = False
    integer: bool = False
    text: bool = False
    list: bool = False
    nullable: bool = False

    def check(self, value: Any) -> Any:
        """Return ``value`` when it is allowed (a tuple becomes a list); raise :class:`ParameterError`."""
        if value is None and self.nullable:
            return None
        if self.choices is not None:
            check_argument(self.name, value, self.choices)
            return value
        if self.text:
            values = list(value) if self.list and isinstance(value, (list, tuple)) else [value]
            if not values or not all(isinstance(v, str) and v.strip() for v in values):
                kind = "a name or a list of names" if self.list else "a name"
                if self.nullable:
                    kind += " or None"
                raise ParameterError(f"`{self.name}` must be {kind}; got {value!r}")
            return values if isinstance(value, (list, tuple)) else value
        check_number(self.name, value, minimum=self.minimum, maximum=self.maximum,
                     strict_minimum=self.strict, integer=self.integer)
        return int(value) if self.integer else value

    def describe(self) -> str:
        """The allowed values in words: ``one of 'queue', 'arrival'``, ``a number >= 0``."""
        if self.choices is not None:
            text = "one of " + ", ".join(repr(c) for c in self.choices)
        elif self.text:
            text = "a name or a list of names" if self.list else "a name"
        else:
            text = "a whole number" if self.integer else "a number"
            if self.minimum is not None:
                text += f" {'>' if self.strict else '>='} {self.minimum:g}"
            if self.maximum is not None:
                text += f" {'and ' if self.minimum is not None else ''}<= {self.maximum:g}"
        return text + (" or None" if self.nullable else "")


@dataclass(frozen=True)
class KpiEntry:
    """One catalogue entry (see ``kpilib/kpis/catalogue.yaml`` for the meaning of each field)."""

    id: str
    name: Mapping[str, str]
    question: str
    chain: str
    customer_value: str
    level: str
    timing: str
    view: str
    formula: str
    inputs: Mapping[str, tuple[str, ...]]
    definition: Mapping[str, DefinitionParameter]
    unit: str
    polarity: str
    gaming: tuple[str, ...]
    norm: str | None = None

    @property
    def title(self) -> str:
        """The KPI's name in the current language (:func:`kpilib.set_language`): "Servicelevel" in Dutch."""
        return self.name.get(current_language(), self.name["en"])

    @property
    def function(self) -> Callable[..., pd.DataFrame]:
        """The kpilib function that computes this KPI."""
        return KPI_FUNCTIONS[self.id]

    @property
    def sources(self) -> list[str]:
        """The canonical tables the KPI can read, in the order of its inputs."""
        return list(dict.fromkeys(t for tables in self.inputs.values() for t in tables))

    @property
    def value_range(self) -> tuple[float, float | None]:
        """The lowest and highest value the KPI can take (None: no upper bound)."""
        return UNITS[self.unit]

    def defaults(self) -> dict[str, Any]:
        """Each definition parameter with its default."""
        return {name: p.default for name, p in self.definition.items()}

    def check_definition(self, definition: Mapping[str, Any]) -> dict[str, Any]:
        """Check a chosen definition; return it with the values normalised.

        Raises
        ------
        ParameterError
            For a parameter the KPI does not have (the message lists those it has) or a value
            outside its allowed set. A parameter at its default of None (escalation_rate's first
            line, found in the data) is accepted as it is.
        """
        if not isinstance(definition, Mapping):
            raise ParameterError(f"the definition of `{self.id}` must be a mapping of parameter to value; "
                                 f"got {definition!r}")
        checked = {}
        for name, value in definition.items():
            if name not in self.definition:
                have = ", ".join(f"`{n}`" for n in self.definition) or "none: it has a single definition"
                raise ParameterError(f"`{name}` is not a definition parameter of `{self.id}`; its parameters "
                                     f"are {have}")
            if value is None and self.defaults().get(name, False) is None:
                checked[name] = None
                continue
            try:
                checked[name] = self.definition[name].check(value)
            except ParameterError as err:
                raise ParameterError(f"{self.id}: {err}") from None
        return checked

    def call(self, definition: Mapping[str, Any] | None = None) -> str:
        """The kpilib call with the definition filled in (defaults for what is not given)."""
        values = self.defaults() | dict(self.check_definition(definition or {}))
        params = inspect.signature(self.function).parameters
        args = [name if params[name].kind == params[name].POSITIONAL_OR_KEYWORD else f"{name}={tables[0]}"
                for name, tables in self.inputs.items()]
        args += [f"{name}={value!r}" for name, value in values.items()]
        return f"kpilib.{self.id}({', '.join(args)})"


class Catalogue:
    """The candidate KPIs, by id."""

    def __init__(self, entries: list[KpiEntry], path: Path = CATALOGUE_FILE) -> None:
        self._entries = {e.id: e for e in entries}
        self.path = path

    @property
    def ids(self) -> list[str]:
        """The KPI ids in catalogue order."""
        return list(self._entries)

    def __contains__(self, kpi_id: object) -> bool:
        return kpi_id in self._entries

    def __iter__(self):
        return iter(self._entries.values())

    def __len__(self) -> int:
        return len(self._entries)

    def entry(self, kpi_id: str) -> KpiEntry:
        """The entry of ``kpi_id``; a :class:`ParameterError` naming the valid ids when there is none."""
        self.check_id(kpi_id)
        return self._entries[kpi_id]

    def check_id(self, kpi_id: Any, *, name: str = "kpi") -> str:
        """Return ``kpi_id`` when the catalogue has it, else raise listing the valid ids."""
        if kpi_id not in self._entries:
            raise ParameterError(f"`{name}` must be a KPI id of the catalogue ({', '.join(self.ids)}); "
                                 f"got {kpi_id!r}")
        return kpi_id

    def frame(self) -> pd.DataFrame:
        """One row per KPI with its names, question, kind, unit, polarity, sources and call."""
        return pd.DataFrame([{
            "id": e.id, "name_en": e.name["en"], "name_nl": e.name["nl"], "question": e.question,
            "chain": e.chain, "customer_value": e.customer_value, "level": e.level, "timing": e.timing,
            "view": e.view, "unit": e.unit, "polarity": e.polarity, "sources": ", ".join(e.sources),
            "definition": ", ".join(e.definition), "norm": e.norm, "call": e.call(),
        } for e in self])


@functools.cache
def _shipped() -> Catalogue:
    return _read(CATALOGUE_FILE)


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """Read and check the KPI catalogue.

    Parameters
    ----------
    path
        A catalogue file of the same format; default the one shipped with kpilib.

    Returns
    -------
    Catalogue

    Raises
    ------
    WorkshopError
        Listing every mistake in the file (a missing field, an unknown function, a parameter the
        function does not have, a definitional parameter left out, an unknown unit).
    """
    return _shipped() if path is None else _read(Path(path))


def compute_kpi(kpi_id: str, tables, **definition: Any) -> pd.DataFrame:
    """Compute a catalogue KPI with a chosen definition.

    Parameters
    ----------
    kpi_id
        A catalogue id (``load_catalogue().ids``).
    tables : Store or mapping of table name to frame / Ibis table
        The canonical tables (``ws.store``, or a dict such as ``{"contacts": frame}``).
    **definition
        The KPI's definition parameters (the rest take their defaults), plus ``by``, ``as_of``
        or ``calendar`` where the function takes them. ``escalation_rate`` without
        ``first_line`` takes the team where most cases start (:func:`kpilib.start_team`).

    Returns
    -------
    pandas.DataFrame
        The function's tidy frame: the ``by`` columns, ``numerator``, ``denominator``, ``value``.

    Examples
    --------
    >>> ws = kpilib.open_workshop("data/sample")  # doctest: +SKIP
    >>> compute_kpi("time_to_resolution", ws.store, norm_days=3, calendar=ws.calendar, by="month")  # doctest: +SKIP
    """
    from kpilib.kpis.kpiset import _tables, start_team

    entry = load_catalogue().entry(kpi_id)
    passed = {k: definition.pop(k) for k in NOT_DEFINITION if k in definition}
    params = inspect.signature(entry.function).parameters
    for name in passed:
        if name not in params:
            raise ParameterError(f"`{kpi_id}` does not take `{name}`")
    arguments = entry.defaults() | entry.check_definition(definition) | passed
    have = _tables(tables)
    for name, options in entry.inputs.items():
        found = next((have[t] for t in options if t in have), None)
        if found is not None:
            arguments[name] = found
        elif _required(entry.function, name):
            raise WorkshopError(f"`{kpi_id}` needs the table {' or '.join(f'`{t}`' for t in options)}; the "
                                f"tables given are {', '.join(sorted(have)) or 'none'}. Map a source to it in "
                                f"workshop.yaml and run `kpi-workshop import` again.")
    if "first_line" in entry.definition and arguments.get("first_line") is None:
        arguments["first_line"] = start_team(arguments["contacts_or_events"])
    return entry.function(**arguments)


#: Inputs a KPI reads only under some values of one definition parameter: KPI id → (parameter, value → inputs).
#: First-contact resolution by repeat contact reads the contacts, by case the contacts and the cases,
#: by survey the surveys alone; its function takes all three as optional keywords.
INPUTS_BY_CHOICE = {"first_contact_resolution": ("method", {"repeat_window": ("contacts",),
                                                            "case": ("contacts", "cases"),
                                                            "survey": ("surveys",)})}


#: KPIs that read the status log's statuses (a ``done`` parameter names them): events derived from the
#: contacts have a channel where a status would be, so for these KPIs they are no status log.
READS_STATUSES = ("done",)


def missing_inputs(kpi_id: str, tables, definition: Mapping[str, Any] | None = None) -> list[str]:
    """The tables a KPI needs that ``tables`` lacks or holds only empty, as ``"orders"`` or ``"contacts|events"``.

    An input that the KPI function can do without (a keyword with a default) is missing only when the
    ``definition`` (default: the catalogue's) reads it (:data:`INPUTS_BY_CHOICE`): first-contact
    resolution by repeat contact needs the contacts, not the surveys.
    A KPI that reads statuses (:data:`READS_STATUSES`) needs the status log: ``events`` is missing when
    the store's events were derived from the contacts (no status log was supplied), whose channels it
    would judge as statuses.
    An empty list means :func:`compute_kpi` can run.
    """
    from kpilib.data.backend import Store
    from kpilib.kpis.kpiset import _tables

    entry = load_catalogue().entry(kpi_id)
    have = _tables(tables)
    tables_of = dict(entry.inputs)
    if any(p in entry.defaults() for p in READS_STATUSES):  # the status log itself, not events made of contacts
        tables_of = {name: tuple(t for t in options if t != "contacts") or options
                     for name, options in tables_of.items()}
        if isinstance(tables, Store) and tables.meta().get("events_derived") == "true":
            have.pop("events", None)
    read: tuple[str, ...] = ()
    if kpi_id in INPUTS_BY_CHOICE:
        parameter, inputs = INPUTS_BY_CHOICE[kpi_id]
        read = inputs.get((entry.defaults() | dict(definition or {})).get(parameter), ())
    return ["|".join(options) for name, options in tables_of.items()
            if (name in read or _required(entry.function, name)) and not any(t in have for t in options)]


# -- reading and checking the file ------------------------------------------------------------

def _required(function: Callable, name: str) -> bool:
    return inspect.signature(function).parameters[name].default is _MISSING


def _read(path: Path) -> Catalogue:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise WorkshopError(f"{path}: cannot read the KPI catalogue ({err})") from None
    if not isinstance(raw, list):
        raise WorkshopError(f"{path.name}: expected a list of KPI entries, found {type(raw).__name__}")
    errors: list[str] = []
    entries = []
    for i, item in enumerate(raw):
        label = f"entry {i + 1}" + (f" (`{item.get('id')}`)" if isinstance(item, dict) else "")
        try:
            entries.append(_entry(item))
        except ValueError as err:
            errors.append(f"{label}: {err}")
    ids = [e.id for e in entries]
    errors += [f"`{i}` is listed twice" for i in sorted({i for i in ids if ids.count(i) > 1})]
    if errors:
        raise WorkshopError(f"{path.name} has {len(errors)} problem{'s' * (len(errors) != 1)}:\n"
                            + "\n".join(f"  - {e}" for e in errors))
    return Catalogue(entries, path)


def _entry(item: Any) -> KpiEntry:
    """One checked entry; a ValueError says what is wrong."""
    if not isinstance(item, dict):
        raise ValueError(f"expected the fields {', '.join(_FIELDS)}; found {item!r}")
    missing = [f for f in _FIELDS if f not in item and f not in _OPTIONAL]
    unknown = [f for f in item if f not in _FIELDS]
    if missing or unknown:
        raise ValueError("; ".join([f"missing {', '.join(missing)}"] * bool(missing)
                                   + [f"unknown field {', '.join(unknown)}"] * bool(unknown)))
    kpi_id = item["id"]
    function = KPI_FUNCTIONS.get(kpi_id) if isinstance(kpi_id, str) else None
    if not callable(function):
        raise ValueError(f"`{kpi_id}` is not a kpilib function; an id is the name of the function that "
                         f"computes the KPI")
    params = inspect.signature(function).parameters
    if set(item["name"] or {}) != {"en", "nl"}:
        raise ValueError("`name` must give `en` and `nl`")
    kind = item["kind"] or {}
    for axis, allowed in KINDS.items():
        if kind.get(axis) not in allowed:
            raise ValueError(f"`kind.{axis}` must be one of {', '.join(allowed)}; found {kind.get(axis)!r}")
    if item["unit"] not in UNITS:
        raise ValueError(f"`unit` must be one of {', '.join(UNITS)}; found {item['unit']!r}")
    if item["polarity"] not in POLARITIES:
        raise ValueError(f"`polarity` must be one of {', '.join(POLARITIES)}; found {item['polarity']!r}")
    inputs = {k: tuple(v) if isinstance(v, list) else (v,) for k, v in (item["inputs"] or {}).items()}
    for name in inputs:
        if name not in params:
            raise ValueError(f"input `{name}` is not a parameter of kpilib.{kpi_id}")
    definition = {name: _parameter(kpi_id, name, spec or {}, params)
                  for name, spec in (item["definition"] or {}).items()}
    left_out = [n for n, p in params.items()
                if p.kind == p.KEYWORD_ONLY and n not in definition and n not in inputs and n not in NOT_DEFINITION]
    if left_out:
        raise ValueError(f"kpilib.{kpi_id} has definition parameters the entry does not list: {', '.join(left_out)}")
    norm = item.get("norm")
    if norm is not None and norm not in definition:
        raise ValueError(f"`norm` must name one of the definition parameters; found {norm!r}")
    gaming = item["gaming"] or []
    if not gaming or not all(isinstance(g, str) for g in gaming):
        raise ValueError("`gaming` must list at least one way the KPI can be gamed")
    return KpiEntry(id=kpi_id, name=dict(item["name"]), question=item["question"], chain=item["chain"],
                    customer_value=item["customer_value"], level=item["kind"]["level"],
                    timing=item["kind"]["timing"], view=item["kind"]["view"], formula=item["formula"],
                    inputs=inputs, definition=definition, unit=item["unit"], polarity=item["polarity"],
                    gaming=tuple(gaming), norm=norm)


def _parameter(kpi_id: str, name: str, spec: dict, params: Mapping[str, inspect.Parameter]) -> DefinitionParameter:
    if name not in params or name in NOT_DEFINITION:
        raise ValueError(f"`{name}` is not a definition parameter of kpilib.{kpi_id}")
    unknown = [k for k in spec if k not in _PARAMETER_KEYS]
    if unknown:
        raise ValueError(f"`{name}`: unknown key {', '.join(unknown)}; allowed: {', '.join(_PARAMETER_KEYS)}")
    own = params[name].default
    if "default" in spec and own is not _MISSING:
        raise ValueError(f"`{name}`: kpilib.{kpi_id} has its own default ({own!r}); leave `default` out")
    if "default" not in spec and own is _MISSING and not spec.get("text"):
        raise ValueError(f"`{name}`: kpilib.{kpi_id} has no default; give one with `default`")
    options = {k: v for k, v in spec.items() if k not in ("choices", "default")}
    if "choices" in spec:
        options["choices"] = tuple(_constant(spec["choices"]))
    parameter = DefinitionParameter(name=name, default=spec.get("default", None if own is _MISSING else own),
                                    **options)
    if parameter.default is not None:
        try:
            parameter.check(parameter.default)
        except ParameterError as err:
            raise ValueError(f"the default of `{name}` is not allowed: {err}") from None
    return parameter


def _constant(dotted: Any) -> Any:
    """``kpilib.kpis.queue.CLOCKS``: the constant the function checks its argument against."""
    if isinstance(dotted, list):
        return dotted
    module, _, attr = str(dotted).rpartition(".")
    try:
        return getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError, ValueError):
        raise ValueError(f"`choices` names {dotted!r}, which does not exist in kpilib") from None
