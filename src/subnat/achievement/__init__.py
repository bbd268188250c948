"""The Bayesian achievement model (method.md §9.1): progress data, fit, checks, prediction."""
