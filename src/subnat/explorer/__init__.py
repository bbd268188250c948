"""The explorer (issue 19): a self-contained HTML page per case to browse actors, pathways and peers."""
