"""Every exercise, in the order of the workshop days."""

from __future__ import annotations

from kpilib.exercises import _card, _chain, _contacts, _planning

SPECS = _contacts.SPECS + _chain.SPECS + _planning.SPECS + _card.SPECS
