"""Pure-Python models of the mock cloud (no HTTP imports here)."""
