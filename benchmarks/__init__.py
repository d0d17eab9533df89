"""Benchmarks of the provider through the real plugin path; run ``python benchmarks/run.py``. Not tests."""
