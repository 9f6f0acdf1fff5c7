"""Surveys after a resolved case: friendly agents, problems that are not solved.

Customers rate the agent's friendliness high whatever happened; whether they say the problem
was resolved (and how satisfied they are overall) falls with every extra contact, a late
call-back, and for complaints. Free-text comments are Dutch; two of them carry markup, as
customers sometimes type it, so that reports can show they escape it.
"""

from __future__ import annotations

import numpy as np

from kpilib.synth._clock import HOUR, MINUTE, Clock
from kpilib.synth._story import COMPLAINT, Story

#: Chance the customer says 'resolved', by route (see ROUTES).
_RESOLVED_BY_ROUTE = np.array([0.85, 0.62, 0.35, 0.50, 0.40, 0.65, 0.70])

POSITIVE = (
    "Snel en goed geholpen, dank!",
    "Prima service, probleem direct opgelost.",
    "Fijn dat de monteur het meteen kon oplossen.",
    "Duidelijke uitleg over mijn factuur.",
    "Goed geholpen, wel lang in de wachtrij gestaan.",
    "Na twee keer bellen was het geregeld; had sneller gekund.",
    "Vriendelijke medewerker, alles is nu in orde.",
)
NEGATIVE = (
    "Medewerker was heel vriendelijk, maar mijn internet doet het nog steeds niet.",
    "Aardig geholpen, alleen is het probleem niet opgelost.",
    "Ik moest mijn verhaal drie keer opnieuw vertellen.",
    "Er zou teruggebeld worden, maar niemand heeft gebeld.",
    "Vriendelijk, maar ik word van het kastje naar de muur gestuurd.",
    "De monteur kwam pas na ruim een week.",
    "Al zes keer gebeld en nog steeds geen oplossing!",
    "Wachttijd aan de telefoon was lang en daarna werd ik doorverbonden.",
    "Geërgerd over de gang van zaken, niemand voelt zich verantwoordelijk.",
    'Medewerker zei "we bellen u morgen", maar dat gebeurde niet.',
)
MARKUP = (
    "test <script>alert(1)</script>",
    "Prijs & kwaliteit: <b>prima</b>, de wachttijd & het terugbellen niet",
)
COMMENTS = POSITIVE + NEGATIVE + MARKUP


def draw_surveys(rng: np.random.Generator, clock: Clock, story: Story, resolved_at: np.ndarray,
                 category: np.ndarray, route: np.ndarray, inbound: np.ndarray, late: np.ndarray,
                 follow_up_parent: np.ndarray) -> dict:
    """Survey answers of resolved cases answered before the export.

    The answer time is drawn on the local clock (to the minute, as the survey tool shows it).

    ``inbound`` counts the case's inbound contacts, ``late`` marks a late call-back,
    ``follow_up_parent`` cases whose customer came back with the same problem.
    """
    complaint = category == COMPLAINT
    chance = np.where(complaint, story.survey_response[0], story.survey_response[1])
    delay = rng.lognormal(np.log(18), 1.0, len(chance)) * HOUR
    answered = clock.instant(np.floor((clock.wall(resolved_at) + delay) / MINUTE) * MINUTE)
    answered = np.maximum(answered, np.ceil(resolved_at / MINUTE) * MINUTE)
    rows = np.flatnonzero((rng.random(len(chance)) < chance) & (answered < clock.as_of))
    n = len(rows)
    p = _RESOLVED_BY_ROUTE[route[rows]] - 0.07 * (inbound[rows] - 1) - 0.15 * late[rows]
    p = np.where(complaint[rows], p * story.complaint_resolved, p)
    p = np.where(follow_up_parent[rows], 0.1, p)
    resolved = rng.random(n) < np.clip(p, 0.03, 0.97)
    unanswered = rng.random(n) < 0.04
    friendly = 1 + rng.choice(5, n, p=[0.01, 0.03, 0.08, 0.33, 0.55])
    csat = np.where(resolved, 1 + rng.choice(5, n, p=[0.01, 0.04, 0.10, 0.40, 0.45]),
                    1 + rng.choice(5, n, p=[0.15, 0.25, 0.33, 0.22, 0.05]))
    nps = np.clip(np.array([0, 1, 3, 6, 8, 9])[csat] + rng.integers(-1, 2, n), 0, 10)
    ces = np.clip(np.round(6.2 - 0.8 * (inbound[rows] - 1) - 1.0 * late[rows] - 1.5 * ~resolved
                           + rng.normal(0, 0.8, n)), 1, 7).astype(np.int64)
    has_comment = rng.random(n) < 0.45
    comment = np.where(resolved, rng.integers(0, len(POSITIVE), n),
                       len(POSITIVE) + rng.integers(0, len(NEGATIVE), n))
    comment = np.where(has_comment, comment, -1)
    if n >= 2:
        marked = rng.choice(n, 2, replace=False)
        comment[marked] = len(POSITIVE) + len(NEGATIVE) + np.arange(2)
    return {"case": rows, "answered": answered[rows], "csat": csat, "nps": nps, "ces": ces,
            "resolved": np.where(unanswered, -1, resolved.astype(np.int64)), "friendly": friendly,
            "comment": comment}
