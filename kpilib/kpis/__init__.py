"""KPI functions: each returns a tidy frame of numerator, denominator and value per group."""
