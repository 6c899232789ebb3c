"""Benchmark entries; each exposes ``run(ctx) -> list[Result]``."""
