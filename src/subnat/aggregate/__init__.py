"""The assessment of one case (method §2-§10): screen, national series, references, pathways,
per-draw aggregation, metrics, sensitivity cases and output checks."""
