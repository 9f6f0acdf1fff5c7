"""The intended order of a workshop's support lines and what its statuses mean (``lines:``)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Lines"]


@dataclass(frozen=True)
class Lines:
    """The intended order of the support lines and the meaning of the statuses.

    Attributes
    ----------
    order : tuple of str
        The support lines from first to last (``first_line < second_line < field``).
    outside : tuple of str
        Teams that take part in chains but stand outside the line order (billing).
    waiting : tuple of str or None
        Statuses (``events.activity``) in which a case waits for a team to pick it up.
        None: the first status of every stay reached by a handoff is the wait.
    done : tuple of str or None
        Statuses after which the need is fulfilled; time after the first of them does not
        count. None: the case's last status change ends it.
    """

    order: tuple[str, ...] = ()
    outside: tuple[str, ...] = ()
    waiting: tuple[str, ...] | None = None
    done: tuple[str, ...] | None = None

    @property
    def first_line(self) -> str | None:
        """The first support line, or None when no order is known."""
        return self.order[0] if self.order else None

    def rank(self, team: str) -> int | None:
        """Position of ``team`` in the line order (0 = first line), None outside it."""
        return self.order.index(team) if team in self.order else None

    @property
    def teams(self) -> tuple[str, ...]:
        """The teams in the order to show them: the lines, then the teams outside."""
        return self.order + tuple(t for t in self.outside if t not in self.order)
