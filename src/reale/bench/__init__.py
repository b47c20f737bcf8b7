"""Benchmarks: every module here exposes ``run(quick=False) -> list[dict]``; ``python -m reale.bench``
runs them side by side in one process and prints each figure beside its target."""
