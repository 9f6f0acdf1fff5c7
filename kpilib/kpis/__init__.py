"""KPI functions: each returns a tidy frame of numerator, denominator and value per group.

Here also the KPI set in one query (kpiset), the fast explorers behind the sliders (explore), Erlang C and A
(erlang), the catalogue of candidate KPIs (catalogue, catalogue.yaml) and the data caveats (caveats).
May import :mod:`kpilib.importing`, :mod:`kpilib.synth`, :mod:`kpilib.data` and the foundation."""
