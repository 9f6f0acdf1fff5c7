"""One text field per customer chain for its owner: the day-2 ``chain_owners`` decision."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import ipywidgets as widgets


class OwnerInputs(widgets.VBox):
    """A text field per chain; ``value`` is ``{chain id: owner}`` of the filled-in fields."""

    def __init__(self, chains: Sequence[str], owners: Mapping[str, str] | None = None,
                 names: Mapping[str, str] | None = None) -> None:
        owners, names = dict(owners or {}), dict(names or {})
        self.fields = {c: widgets.Text(value=owners.get(c, ""), description=names.get(c, c),
                                       placeholder="who owns the whole chain",
                                       style={"description_width": "initial"},
                                       layout=widgets.Layout(width="32em")) for c in chains}
        super().__init__(list(self.fields.values()))

    @property
    def value(self) -> dict[str, str]:
        return {c: f.value.strip() for c, f in self.fields.items() if f.value.strip()}


def owner_inputs(chains: Sequence[str], *, owners: Mapping[str, str] | None = None,
                 names: Mapping[str, str] | None = None) -> OwnerInputs:
    """Owner fields for the chains, filled with the owners in force; pass it to :func:`record_decision`.

    Parameters
    ----------
    chains : list of str
        Chain ids.
    owners : mapping of chain id to person, optional
        The owners in force (``ws.decision("chain_owners")``).
    names : mapping of chain id to name, optional
        Labels for the fields.
    """
    return OwnerInputs(chains, owners, names)
