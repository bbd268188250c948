"""Hypothesis runs derandomized by default, so `make test` explores the same examples in every run
and a red CI always means a changed result, never a newly drawn input. SUBNAT_HYPOTHESIS_PROFILE=explore
draws fresh examples (for hunting; add what it finds as an explicit @example)."""

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("SUBNAT_HYPOTHESIS_PROFILE", "ci"))
