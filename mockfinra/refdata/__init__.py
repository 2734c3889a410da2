"""Reference-data files: the catalogue and deterministic generators (pure Python, no HTTP)."""
