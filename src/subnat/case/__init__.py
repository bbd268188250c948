"""Case folders: reading the CSV files, checking them against each other, scopes (interfaces.md §2)."""
