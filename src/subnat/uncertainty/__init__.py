"""Uncertainty calibration (projection error, reference growth) and the variance decomposition (method §9)."""
