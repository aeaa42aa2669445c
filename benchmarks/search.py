"""The class search service on a big catalogue: p50/p99 per query kind and overall.

    python benchmarks/search.py                                # 50,000 sections, SQLite
    python benchmarks/search.py --db /work/search-bench/usis.db --count 600
    python benchmarks/search.py --profile                      # cProfile of the searches

The demo database (seed_demo, ``--size`` class sections) is written once into ``--db`` and
reused by later runs (delete the file to seed again). The searches are those of
``benchmarks/ui.py`` ``measure_search`` (catalogue-number prefixes, title words, an instructor),
run round-robin after one warm-up each; goal p50 ≤ 2 ms overall.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.ui import NOW

QUERIES: list[dict] = [{"catalogue_number": "4031"}, {"catalogue_number": "40"},
                       {"title": "data"}, {"title": "law"}, {"instructor": "de vries"},
                       {"catalogue_number": "4", "open_only": False}]


def database(path: Path, size: int) -> str:
    url = f"sqlite:///{path}"
    if not path.exists():
        from usis_tui.data.demo import seed_demo
        from usis_tui.db import Database

        db = Database(url)
        started = time.perf_counter()
        summary = seed_demo(db, NOW, size=size)
        db.dispose()
        print(f"Seeded {summary.sections:,} class sections into {path} in "
              f"{time.perf_counter() - started:.0f} s")
    return url


def run(url: str, count: int, profile: bool) -> None:
    from usis_tui.clock import make_clock
    from usis_tui.db import Database
    from usis_tui.services import Usis
    from usis_tui.services.catalogue import search_criteria

    usis = Usis(Database(url), make_clock(NOW))
    year = usis.catalogue.current_year()
    criteria = [search_criteria(academic_year=year, **q) for q in QUERIES]
    for c in criteria:
        page = usis.catalogue.search(c)
        print(f"  {_name(c.model_dump(exclude_defaults=True)):36} {page.total:6,} results, "
              f"{len(page.results)} on page 1")
    per: dict[int, list[float]] = {i: [] for i in range(len(QUERIES))}
    profiler = cProfile.Profile() if profile else None
    if profiler:
        profiler.enable()
    for i in range(count):
        k = i % len(QUERIES)
        started = time.perf_counter()
        usis.catalogue.search(search_criteria(academic_year=year, **QUERIES[k]))
        per[k].append(time.perf_counter() - started)
    if profiler:
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
    print(f"\nClass search service, {count} searches ({year}):")
    for k, values in per.items():
        print(f"  {_name(QUERIES[k]):36} p50 {_p50(values):7.2f} ms   p99 {_p99(values):7.2f} ms")
    everything = [v for values in per.values() for v in values]
    print(f"  {'overall':36} p50 {_p50(everything):7.2f} ms   p99 {_p99(everything):7.2f} ms"
          f"   (goal p50 ≤ 2 ms)")


def _name(q: dict) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in q.items() if k != "academic_year")


def _p50(values: list[float]) -> float:
    return sorted(values)[len(values) // 2] * 1000


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * 0.99) - 1)] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=50_000)
    parser.add_argument("--db", type=Path, default=None,
                        help="SQLite file, seeded when missing (default: a temporary folder)")
    parser.add_argument("--count", type=int, default=600)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    path = args.db or Path(tempfile.mkdtemp(prefix="usis-search-bench-")) / "usis.db"
    run(database(path, args.size), args.count, args.profile)


if __name__ == "__main__":
    sys.exit(main())
