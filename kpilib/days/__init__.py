"""The analyses of the ten days, one module per day's theme (values: 1, current: 3, definitions: 6,
norms: 7, levers and staffing: 8, scoring: 9, cards: 10); days 2, 4 and 5 live in :mod:`kpilib.chains`.

May import :mod:`kpilib.chains`, :mod:`kpilib.kpis`, :mod:`kpilib.importing`, :mod:`kpilib.synth` and
:mod:`kpilib.data`; never the workshop, report or widget engines above it.
"""
