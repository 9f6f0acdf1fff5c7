"""Trainee exercises: compute the KPIs by hand in pandas and check them against kpilib.

>>> from kpilib.exercises import load                 # doctest: +SKIP
>>> q = load("ex01", "data/sample")                     # doctest: +SKIP
>>> q.check(answer); q.hint(); q.solution()             # doctest: +SKIP

The exercises are the notebooks in ``notebooks/exercises/``, generated from the solution
notebooks in ``notebooks/exercises/solutions/`` by ``python -m kpilib.exercises generate``
(``make exercises``). ``progress()`` (or ``python -m kpilib.exercises progress``) lists which
exercises are done.
May import the public API (:mod:`kpilib`) and everything below it.
"""

from kpilib.exercises._exercise import Exercise, load
from kpilib.exercises._feedback import Feedback, PartFeedback
from kpilib.exercises._notebooks import generate
from kpilib.exercises._progress import progress, progress_file

__all__ = ["Exercise", "Feedback", "PartFeedback", "generate", "load", "progress", "progress_file"]
