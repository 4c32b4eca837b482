"""Benchmarks (bench/run.py) and the benchmark-only settings and baseline endpoints."""
