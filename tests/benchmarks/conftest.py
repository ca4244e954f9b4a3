"""Benchmarks run once as plain tests in CI (--benchmark-disable); run them for figures with
`python -m pytest tests/benchmarks --benchmark-enable` or the scripts in scripts/."""
