"""The data every stage reads: canonical schema, workshop.yaml, the store and its engines, calendar, time.

May import only :mod:`kpilib.exceptions`, :mod:`kpilib._checks`, :mod:`kpilib._docstrings` and :mod:`kpilib._style`.
"""
