"""Benchmarks with targets and same-run baselines: ``python -m bench [--smoke] [--only ...]``.

Every entry measures one number against the target from its issue and a baseline measured in
the same run, then ``bench.report`` prints one table and writes ``bench/results.json``.
"""
