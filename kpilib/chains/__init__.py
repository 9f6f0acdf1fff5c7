"""Customer chains (klantketens): from a customer's need to that need fulfilled, across the teams.

Chains are declared in ``workshop.yaml`` (:mod:`kpilib.chains._config`), discovered from the
case event log (:mod:`kpilib.chains._discovery`), set against each team's own KPIs in the chain
view (:mod:`kpilib.chains._view`) and drawn (:mod:`kpilib.chains._plots`).
"""

from kpilib.chains._config import Chain, Lines, load_chains, load_lines
from kpilib.chains._kpis import stays_within_norm

__all__ = ["Chain", "Lines", "load_chains", "load_lines", "stays_within_norm"]
