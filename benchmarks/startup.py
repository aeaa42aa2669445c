"""Start-up, side by side: `usis` against a bare Textual app, in a real pseudo-terminal.

    python benchmarks/startup.py                 # 7 pairs at 120x40, then the RSS comparison
    python benchmarks/startup.py --pairs 11 --size 80x24

Each pair launches the bare app (Header, two Inputs, a Button and a Footer: what a Login needs)
and `usis` on an existing demo database, one after the other, in a new pseudo-terminal each, and
times launch → the Login's title text in the terminal output. The order within a pair alternates.
Printed: every pair, the median ratio usis / bare (goal ≤ 1.25).

Then memory: `usis` is signed in (s1234567 / demo) and walked to the Student Center with the
keyboard (s, c); its peak RSS (VmHWM) and its RSS then (VmRSS) are compared with the bare app's
after its first frame (goal ≤ 1.5). The peak includes signing in: the password hash (scrypt,
N=2**17, r=8: the OWASP minimum) needs 128 MiB while it is checked.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import re
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import textwrap
import time
from pathlib import Path

NOW = "2026-11-23T09:30"
MARKER = "Sign in with your ULCN account"
ESCAPES = re.compile(
    rb"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[PX^_][^\x1b]*\x1b\\|.)"
)

BARE_APP = textwrap.dedent(f'''
    from textual.app import App
    from textual.containers import Center, Vertical
    from textual.widgets import Button, Footer, Header, Input, Label

    class Bare(App):
        def compose(self):
            yield Header()
            with Center():
                with Vertical():
                    yield Label("uSis – {MARKER}")
                    yield Input(placeholder="e.g. s1234567")
                    yield Input(password=True)
                    yield Button("Sign In")
            yield Footer()

    Bare().run()
''')

# The same bare app with the libraries the app's rules stand on loaded (the chosen stack:
# SQLAlchemy's ORM, pydantic, pydantic-settings): what any app on this stack holds in memory.
STACK_APP = BARE_APP.replace(
    "Bare().run()", "import pydantic, pydantic_settings, sqlalchemy.orm\nBare().run()")


class Terminal:
    """A process in a new pseudo-terminal of ``size``; ``wait_for`` reads its output."""

    def __init__(self, argv: list[str], size: tuple[int, int], env: dict[str, str]) -> None:
        self.master, slave = os.openpty()
        cols, rows = size
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env,
                                     start_new_session=True, close_fds=True)
        os.close(slave)
        self.text = b""

    def wait_for(self, marker: str, timeout: float = 30.0) -> float:
        """Seconds from launch until ``marker`` is in the terminal's text."""
        want = marker.encode()
        deadline = time.perf_counter() + timeout
        raw = b""
        while time.perf_counter() < deadline:
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(self.master, 65536)
                except OSError:
                    break
                raw += chunk
                self.text = ESCAPES.sub(b"", raw)
                if want in self.text:
                    return time.perf_counter() - self.started
        raise TimeoutError(f"{marker!r} did not appear; the terminal shows "
                           f"{self.text[-300:].decode(errors='replace')!r}")

    def send(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def rss_mib(self, field: str = "VmHWM") -> float:
        """VmHWM: the peak resident set; VmRSS: the resident set now (MiB)."""
        status = Path(f"/proc/{self.proc.pid}/status").read_text()
        kib = int(re.search(rf"{field}:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
        return kib / 1024

    def __enter__(self) -> Terminal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        os.close(self.master)


def make_database(folder: Path) -> str:
    url = f"sqlite:///{folder / 'usis.db'}"
    subprocess.run([sys.executable, "-m", "usis_tui", "--db", url, "db", "reset", "--demo",
                    "--yes", "--now", NOW], check=True, stdout=subprocess.DEVNULL)
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=7)
    parser.add_argument("--size", default="120x40", help="COLSxROWS")
    args = parser.parse_args()
    size = tuple(int(v) for v in args.size.split("x"))
    folder = Path(tempfile.mkdtemp(prefix="usis-startup-"))
    env = {**os.environ, "TERM": "xterm-256color", "COLORTERM": "truecolor",
           "USIS_LOG_DIR": str(folder)}
    # Both apps start from compiled bytecode, as an installed app does (Textual's was compiled
    # when pip installed it; the warm-up run below writes usis_tui's): a shell that sets
    # PYTHONDONTWRITEBYTECODE would have usis compile every module on every launch.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    try:
        url = make_database(folder)
        bare_script = folder / "bare.py"
        bare_script.write_text(BARE_APP)
        bare = [sys.executable, str(bare_script)]
        usis = [sys.executable, "-m", "usis_tui", "--db", url, "--now", NOW]

        def timed(argv: list[str]) -> float:
            with Terminal(argv, size, env) as term:  # type: ignore[arg-type]
                return term.wait_for(MARKER)

        timed(bare), timed(usis)  # warm the file cache and the bytecode
        ratios = []
        print(f"Login frame at {args.size}, launch → '{MARKER}' on screen (seconds):")
        for i in range(args.pairs):
            if i % 2:
                u, b = timed(usis), timed(bare)
            else:
                b, u = timed(bare), timed(usis)
            ratios.append(u / b)
            print(f"  pair {i + 1}: bare {b:.3f}  usis {u:.3f}  ratio {u / b:.2f}")
        print(f"Login frame: median ratio usis / bare = {statistics.median(ratios):.2f} "
              f"(goal ≤ 1.25; range {min(ratios):.2f}–{max(ratios):.2f})")

        with Terminal(bare, size, env) as term:  # type: ignore[arg-type]
            term.wait_for(MARKER)
            time.sleep(0.5)
            bare_rss, bare_now = term.rss_mib(), term.rss_mib("VmRSS")
        stack_script = folder / "stack.py"
        stack_script.write_text(STACK_APP)
        with Terminal([sys.executable, str(stack_script)], size, env) as term:  # type: ignore[arg-type]
            term.wait_for(MARKER)
            time.sleep(0.5)
            stack_now = term.rss_mib("VmRSS")
        with Terminal(usis, size, env) as term:  # type: ignore[arg-type]
            term.wait_for(MARKER)
            for keys in ("s1234567", "\t", "demo", "\r"):
                term.send(keys)
                time.sleep(0.2)
            term.wait_for("Sign out")
            term.send("s")
            term.wait_for("Student Center")
            term.send("c")
            term.wait_for("Enrolment Dates")
            time.sleep(1.0)
            usis_rss, usis_now = term.rss_mib(), term.rss_mib("VmRSS")
        print(f"Peak RSS: bare app {bare_rss:.1f} MiB, usis at the Student Center "
              f"{usis_rss:.1f} MiB: ratio {usis_rss / bare_rss:.2f} (goal ≤ 1.5)")
        print(f"RSS now:  bare app {bare_now:.1f} MiB, usis at the Student Center "
              f"{usis_now:.1f} MiB: ratio {usis_now / bare_now:.2f} (the peak includes the "
              "password check: scrypt with N=2**17 uses 128 MiB while it runs)")
        print(f"Stack floor: the bare app with SQLAlchemy's ORM, pydantic and pydantic-settings "
              f"imported {stack_now:.1f} MiB = {stack_now / bare_now:.2f} × bare; usis at the "
              f"Student Center / stack floor = {usis_now / stack_now:.2f}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
