"""Reliability and security proof: fuzzing, load, upstream and process faults, nothing lost.

``python -m reliability [--quick]`` (``make reliability``) runs every scenario against real
processes on 127.0.0.1 (gunicorn, PostgreSQL, the fake upstream, the storage emulator) and
prints one table: scenario, load or fault, result, data lost. ``tests/reliability`` runs a
bounded subset of the same scenario functions in ``make test`` and CI.
"""
