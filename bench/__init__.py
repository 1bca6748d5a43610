"""Benchmarks: every figure is a ratio or difference against a baseline measured in the same run."""
