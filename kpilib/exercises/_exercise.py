"""The object a trainee checks answers with: ``q = load("ex03", workshop)``, ``q.check(answer)``."""

from __future__ import annotations

from pathlib import Path

from kpilib.exceptions import ParameterError
from kpilib.exercises import _progress
from kpilib.exercises._feedback import Feedback, judge
from kpilib.exercises._notebooks import SOLUTIONS_DIR, solution_code
from kpilib.exercises._spec import Data, Spec


def find_spec(exercise: int | str) -> Spec:
    """The exercise numbered ``exercise``: 3, ``"ex03"`` or ``"ex03_short_abandons"``."""
    from kpilib.exercises._catalogue import SPECS

    for spec in SPECS:
        if exercise in (spec.number, spec.id, spec.notebook) and not isinstance(exercise, bool):
            return spec
    known = ", ".join(spec.id for spec in SPECS)
    raise ParameterError(f"`exercise` must be one of {known} (or its number); got {exercise!r}")


class Exercise:
    """The checks of one exercise on one workshop's data.

    Parameters
    ----------
    exercise : int or str
        The exercise: its number (3) or id (``"ex03"``).
    workshop : str or Path
        The workshop folder whose store the notebook reads; the checks compute kpilib's values
        on the same data.

    Examples
    --------
    >>> q = Exercise(1, "data/sample")  # doctest: +SKIP
    >>> q.check(0.74)  # doctest: +SKIP
    ex01: Not quite. You left the abandoned calls out of the denominator ...
    """

    def __init__(self, exercise: int | str, workshop: str | Path) -> None:
        self.spec = find_spec(exercise)
        self.data = Data(workshop)
        self._hints_shown = 0

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def given(self) -> dict:
        """The figures the task states, e.g. ``{"calls": 150, "interval_s": 1800}``."""
        return dict(self.spec.given)

    def __repr__(self) -> str:
        return f"Exercise {self.spec.id}: {self.spec.title} (day {self.spec.day})"

    def check(self, answer) -> Feedback:
        """Compare ``answer`` with kpilib's value; say which usual mistake it shows, if one.

        Never raises on an answer: ``...`` gives "not done yet", a value of the wrong kind says
        what was expected. The status of every part is written to the progress file.

        Parameters
        ----------
        answer : number or dict
            One number for an exercise with one part; a dict keyed by part name otherwise
            (the check cell of the notebook shows the keys).

        Returns
        -------
        Feedback
            ``status`` (``correct``, ``mistake``, ``wrong``, ``not done`` or ``invalid``),
            ``message`` and the verdict per part in ``parts``; shown as a list in a notebook.
        """
        parts = judge(answer, self.spec.parts, self.data)
        feedback = Feedback(f"{self.spec.id} {self.spec.title}", tuple(parts))
        _progress.record(self.spec.id, {p.name or "answer": s.status
                                        for p, s in zip(self.spec.parts, parts)})
        return feedback

    def hint(self) -> None:
        """Print the next hint (each call shows one more)."""
        hints = self.spec.hints
        if not hints:
            print("No hints for this exercise.")
            return
        shown = min(self._hints_shown, len(hints) - 1)
        self._hints_shown = shown + 1
        print(f"Hint {shown + 1} of {len(hints)}: {hints[shown]}")

    def solution(self) -> None:
        """Print the solution code of this exercise."""
        path = SOLUTIONS_DIR / f"{self.spec.notebook}.ipynb"
        if not path.exists():
            print(f"The solution notebook {path} is not there.")
            return
        print(solution_code(path))


def load(exercise: int | str, workshop: str | Path) -> Exercise:
    """The checks of ``exercise`` on ``workshop``'s data.

    Parameters
    ----------
    exercise : int or str
        The exercise: ``"ex03"``, ``3`` or the notebook's name ``"ex03_short_abandons"``.
    workshop : str or Path
        The workshop folder the notebook reads.

    Returns
    -------
    Exercise

    Examples
    --------
    >>> q = load("ex03", "data/sample")  # doctest: +SKIP
    >>> q.check(0.08)  # doctest: +SKIP
    """
    return Exercise(exercise, workshop)
