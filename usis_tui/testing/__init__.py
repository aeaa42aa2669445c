"""Test and benchmark helpers that ship with the package (no pytest import here).

``throwaway_cluster()`` starts a private PostgreSQL cluster on 127.0.0.1 under a temporary
directory and removes it afterwards; see ``pgcluster``.
"""

from .pgcluster import PgCluster, PgUnavailable, find_pg_bin, throwaway_cluster

__all__ = ["PgCluster", "PgUnavailable", "find_pg_bin", "throwaway_cluster"]
