"""Helpers for the tests and the benchmarks that do not ship with the package (``pgcluster``).

The tests import it as ``support`` (``tests`` is on pytest's ``pythonpath``), the benchmarks as
``tests.support`` (the repository root on ``sys.path``)."""
