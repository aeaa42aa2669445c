"""Responsiveness under a big catalogue: key press → the new page, against a bare screen push.

    python benchmarks/ui.py                      # 50,000 sections, 7 rounds
    python benchmarks/ui.py --size 5000 --rounds 3

The demo database is written with ``--size`` class sections (seed_demo). The app runs headless
(Textual's Pilot, 120x40, animations off) signed in as s1234567. Each round, for every page, the
time from the key press (or the palette's navigate) until the page is on screen with its data
loaded (its workers done and the screen refreshed) is measured, and in the same round the time
of a bare Textual screen push (Header, a Static, Footer) on the same app. Printed: the
median per page and its ratio to the bare push (goal ≤ 1.5), then the class search service
p50/p99 over searches by catalogue-number prefix, title word and instructor (goal p50 ≤ 2 ms).

A second reference, the *floor*: a plain Textual screen with as many widgets as the page has
once loaded (bordered blocks of three Statics in a VerticalScroll, no data, no workers), pushed
in the same round. Textual spends time per widget (styles, layout, render), so a page can only
be as fast as its floor; "ratio to floor" is what this app adds on top of Textual.

    python benchmarks/ui.py --db /tmp/ui.db    # seed once into that file, reuse it next time
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

from textual.screen import Screen  # noqa: E402
from textual.widgets import Footer, Header, Static  # noqa: E402

NOW = datetime(2026, 11, 23, 9, 30)
STUDENT = "s1234567"


class Bare(Screen):
    def compose(self):
        yield Header()
        yield Static("A bare screen")
        yield Footer()


class Floor(Screen):
    """A plain screen of ``widgets`` widgets: Header, Footer and bordered blocks of Statics."""

    CSS = ".block { border: round $primary; height: auto; }"

    def __init__(self, widgets: int) -> None:
        super().__init__()
        self.widgets = widgets

    def compose(self):
        from textual.containers import Vertical, VerticalScroll

        yield Header()
        with VerticalScroll():
            for block in range(max(1, (self.widgets - 8) // 4)):
                with Vertical(classes="block") as box:
                    box.border_title = f"Block {block}"
                    for line in range(3):
                        yield Static(f"Line {line} of block {block}")
        yield Footer()


async def settle(pilot) -> None:
    """Workers done and the screen refreshed, twice (a page may start a worker when mounted)."""
    for _ in range(2):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def prepare(size: int, folder: Path, reuse: Path | None = None) -> str:
    from usis_tui.data.demo import seed_demo
    from usis_tui.db import Database

    if reuse is not None and reuse.exists():
        print(f"Reusing {reuse}")
        return f"sqlite:///{reuse}"
    url = f"sqlite:///{reuse or folder / 'usis.db'}"
    db = Database(url)
    started = time.perf_counter()
    summary = seed_demo(db, NOW, size=size)
    db.dispose()
    print(f"Seeded {summary.sections:,} class sections in {time.perf_counter() - started:.0f} s")
    return url


async def measure_pages(url: str, rounds: int
                        ) -> tuple[dict[str, list[float]], dict[str, int]]:
    from usis_tui.app import UsisApp

    app = UsisApp(database_url=url, now=NOW)
    times: dict[str, list[float]] = {}
    widgets: dict[str, int] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        assert await app.database_ready()
        identity = app.raw_usis.student.profile(STUDENT)
        await app.signed_in(identity)
        await settle(pilot)

        async def timed(name: str, action: Callable[[], Awaitable[object]],
                        back: Callable[[], Awaitable[object]]) -> None:
            await back()
            await settle(pilot)
            started = time.perf_counter()
            await action()
            await settle(pilot)
            times.setdefault(name, []).append(time.perf_counter() - started)
            if name != "bare push" and not name.startswith("floor"):
                widgets[name] = len(list(app.screen.walk_children(with_self=True)))

        async def main_menu() -> None:
            await app.navigate("Main Menu")

        async def bare_push() -> None:
            await app.push_screen(Bare())

        async def search() -> None:
            await app.navigate("Class Search")
            await settle(pilot)
            await app.screen.add_pane.action_open_search()
            await settle(pilot)
            app.screen.query_one("#search-catalogue").value = "4031"
            started = time.perf_counter()
            app.screen.query_one("ClassSearch").search()
            await settle(pilot)
            times.setdefault("Class Search results", []).append(time.perf_counter() - started)

        for _ in range(rounds):
            await timed("bare push", bare_push, main_menu)
            for page in ("Student Center", "Enrol", "Shopping cart", "Timetable",
                         "My Class Schedule"):
                await timed(page, lambda page=page: app.navigate(page), main_menu)
                count = widgets[page]

                async def floor(count: int = count) -> None:
                    await app.push_screen(Floor(count))

                await timed(f"floor {page}", floor, main_menu)
            await main_menu()
            await settle(pilot)
            await search()
    return times, widgets


def measure_search(url: str, count: int = 300) -> list[float]:
    from usis_tui.clock import make_clock
    from usis_tui.db import Database
    from usis_tui.services import Usis
    from usis_tui.services.catalogue import search_criteria

    usis = Usis(Database(url), make_clock(NOW))
    year = usis.catalogue.current_year()
    queries = [{"catalogue_number": "4031"}, {"catalogue_number": "40"},
               {"title": "data"}, {"title": "law"}, {"instructor": "de vries"},
               {"catalogue_number": "4", "open_only": False}]
    for q in queries:  # warm the caches
        usis.catalogue.search(search_criteria(academic_year=year, **q))
    out = []
    for i in range(count):
        q = queries[i % len(queries)]
        started = time.perf_counter()
        usis.catalogue.search(search_criteria(academic_year=year, **q))
        out.append(time.perf_counter() - started)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--db", type=Path, help="seed into this SQLite file once, then reuse it")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="usis-ui-bench-"))
    os.environ["USIS_LOG_DIR"] = str(folder)
    url = prepare(args.size, folder, args.db)
    times, widgets = asyncio.run(measure_pages(url, args.rounds))
    bare = statistics.median(times.pop("bare push"))
    floors = {name.removeprefix("floor "): statistics.median(times.pop(name))
              for name in list(times) if name.startswith("floor ")}
    print(f"\nKey press → page on screen with its data, median of {args.rounds} rounds "
          f"({args.size:,} sections):")
    print(f"  {'bare Textual push':24} {bare * 1000:7.1f} ms")
    for page, values in times.items():
        median = statistics.median(values)
        line = (f"  {page:24} {median * 1000:7.1f} ms   ratio {median / bare:4.2f} "
                f"(goal ≤ 1.5)")
        if page in floors:
            line += (f"   floor ({widgets[page]} widgets) {floors[page] * 1000:6.1f} ms, "
                     f"ratio to floor {median / floors[page]:4.2f}")
        print(line)
    searches = sorted(measure_search(url))
    p50 = searches[len(searches) // 2] * 1000
    p99 = searches[int(len(searches) * 0.99) - 1] * 1000
    print(f"\nClass search service, {len(searches)} searches: p50 {p50:.2f} ms, p99 {p99:.2f} ms "
          f"(goal p50 ≤ 2 ms)")


if __name__ == "__main__":
    sys.exit(main())
