"""Helpers shared by the browser tests and the benchmarks in ``bench/``."""
