"""`python -m subnat` is the `subnat` command."""

from subnat.cli import main

raise SystemExit(main())
