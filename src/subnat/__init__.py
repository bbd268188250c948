"""subnat: non-state and subnational climate action and its effect on national emissions."""

__version__ = "0.1.0"
