"""Benchmarks (scripts); see benchmarks/README.md."""
