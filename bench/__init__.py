"""Benchmarks: the product's cost beside the raw cost of the same work, in the same run."""
