"""`python -m subnat.bench aggregate ...`: the aggregation benchmark (see `subnat.testing.bench`)."""

from __future__ import annotations

import sys

from subnat.testing.bench import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
