"""Benchmarks at scale, each figure beside the raw cost of the same work in the same run.

    python -m tests.benchmarks --officials 100000 [--database URL] [--json FILE]

Not part of the default test run; ``test_smoke.py`` runs the whole table at a
tiny size so that it cannot rot.
"""
