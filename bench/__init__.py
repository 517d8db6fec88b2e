"""Benchmarks: scripts that measure, not tests. Run them with `python -m bench.<name>`."""
