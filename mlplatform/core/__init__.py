"""The pure ML core: market data, features, the linear model, metrics and drift statistics.

Nothing here imports Django models; everything takes and returns arrays, dataframes and
dataclasses so it can be tested and benchmarked without a database.
"""
