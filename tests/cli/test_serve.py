"""`usis serve` for a room: the real server on a free port, driven with aiohttp websockets.

A websocket from another origin (or none) is refused with 403 and starts no process; sessions
beyond --max-sessions are told "uSis is full" and start no process, and a closed session frees
its place; no session process has the database password in its arguments (ps) and the console
shows the URL masked. The helpers (Origin rules, the default cap, the masking writer) are
checked as units too."""

from __future__ import annotations

import asyncio
import io
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOW = "2026-11-23T09:30"
PASSWORD = "s3cret-pw"


# ---------------------------------------------------------------------- the real server
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def descendants(pid: int) -> list[int]:
    """Every living process below ``pid`` (from /proc)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] == "Z":  # a zombie is not a running session
            continue
        parents.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def argv_of(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def sessions(pid: int) -> list[int]:
    """The app processes (`python -m usis_tui`, with or without a shell around them)."""
    return [p for p in descendants(pid) if "usis_tui" in argv_of(p)]


@contextmanager
def serving(db_url: str, tmp_path: Path,
            *args: str) -> Iterator[tuple[str, subprocess.Popen, Path]]:
    """`usis serve` on a free port: (base URL, the process, its console log)."""
    port = free_port()
    log = tmp_path / f"serve-{port}.log"
    env = {**os.environ, "TEXTUAL_ANIMATIONS": "none", "COLUMNS": "200"}
    env.pop("USIS_DATABASE_URL", None)
    env.pop("USIS_NOW", None)
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "usis_tui", "serve", "--host", "127.0.0.1", "--port",
             str(port), "--db", db_url, "--now", NOW, *args],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise AssertionError(f"usis serve exited with {proc.returncode}:\n"
                                     f"{log.read_text()}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise AssertionError(f"usis serve did not listen:\n{log.read_text()}") from None
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}", proc, log
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


async def open_session(base: str, origin: str | None):
    """A websocket like the browser's; returns (client session, websocket) or raises
    aiohttp.WSServerHandshakeError."""
    import aiohttp

    client = aiohttp.ClientSession()
    headers = {"Origin": origin} if origin is not None else {}
    try:
        ws = await client.ws_connect(f"{base}/ws?width=100&height=30", headers=headers)
    except BaseException:
        await client.close()
        raise
    return client, ws


async def read_terminal(ws, until: str, timeout: float = 30.0) -> tuple[str, object]:
    """Terminal bytes until ``until`` shows (or the socket closes): (text, close message)."""
    import aiohttp

    text = ""
    deadline = time.monotonic() + timeout
    while until not in text:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"timed out waiting for {until!r}; got {text[-500:]!r}")
        message = await asyncio.wait_for(ws.receive(), left)
        if message.type == aiohttp.WSMsgType.BINARY:
            text += message.data.decode("utf-8", "replace")
        elif message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED,
                              aiohttp.WSMsgType.CLOSING):
            return text, message
    return text, None


def wait_until(condition, timeout: float = 15.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out: {what}")
        time.sleep(0.1)


# ---------------------------------------------------------------------- Origin
def test_a_websocket_from_another_origin_is_refused_and_starts_no_process(demo_db_url,
                                                                         tmp_path):
    import aiohttp

    async def attempts(base: str) -> list[int | None]:
        statuses = []
        for origin in ("http://evil.example", None, "null", "https://127.0.0.1:1",
                       base.replace("http://", "https://")):
            try:
                client, ws = await open_session(base, origin)
            except aiohttp.WSServerHandshakeError as exc:
                statuses.append(exc.status)
            else:
                statuses.append(None)
                await ws.close()
                await client.close()
        return statuses

    with serving(demo_db_url, tmp_path) as (base, proc, log):
        statuses = asyncio.run(attempts(base))
        time.sleep(0.5)  # a process started by a refused connection would be there by now
        assert sessions(proc.pid) == []
        assert statuses == [403] * 5
    console = log.read_text()
    assert "Refused a session from origin 'http://evil.example'" in console


# ---------------------------------------------------------------------- the cap
def test_sessions_beyond_the_cap_are_refused_and_a_closed_one_frees_its_place(demo_db_url,
                                                                            tmp_path):
    import aiohttp

    async def scenario(base: str, pid: int) -> None:
        port = base.rsplit(":", 1)[1]
        opened = []
        # two origins for the one loopback host: both are this server's pages
        for origin in (base, f"http://localhost:{port}"):
            client, ws = await open_session(base, origin)
            opened.append((client, ws))
            text, closed = await read_terminal(ws, "ULCN")
            assert closed is None, text
        assert len(sessions(pid)) == 2
        client, ws = await open_session(base, base)  # the third
        text, closed = await read_terminal(ws, "try again in a moment")
        assert "uSis is full: 2 sessions are in use; try again in a moment." in text
        if closed is None:
            closed = await ws.receive()
        assert closed.type == aiohttp.WSMsgType.CLOSE
        assert closed.data == 1013 and "uSis is full" in closed.extra
        await client.close()
        async with aiohttp.ClientSession() as page, page.get(base + "/") as response:
            assert response.status == 503  # the page says so too
            assert "uSis is full: 2 sessions are in use" in await response.text()
        assert len(sessions(pid)) == 2  # the refused one started nothing
        # a session ends: its place is free once its process has gone
        client, ws = opened.pop()
        await ws.close()
        await client.close()
        deadline = time.monotonic() + 20
        while len(sessions(pid)) != 1:
            assert time.monotonic() < deadline, "the closed session's process did not end"
            await asyncio.sleep(0.1)
        await asyncio.sleep(0.2)
        client, ws = await open_session(base, base)
        opened.append((client, ws))
        text, closed = await read_terminal(ws, "ULCN")
        assert closed is None and "uSis is full" not in text
        for client, ws in opened:
            await ws.close()
            await client.close()

    with serving(demo_db_url, tmp_path, "--max-sessions", "2") as (base, proc, log):
        asyncio.run(scenario(base, proc.pid))
    assert "at most 2 sessions at once" in log.read_text()


# ---------------------------------------------------------------------- secrets
@pytest.fixture
def pg_url_with_password(pg_cluster, request) -> str:
    """A PostgreSQL database with the uSis schema, its URL carrying a password (the throwaway
    cluster trusts every local connection, so the password is not checked, only carried)."""
    from usis_tui import migrations
    from usis_tui.db import Database

    def build(url: str) -> None:
        db = Database(url)
        migrations.create_all_and_stamp(db)
        db.dispose()

    name, url = pg_cluster.fresh(pg_cluster.template("tpl_serve", build))
    request.addfinalizer(lambda: pg_cluster.drop(name))
    assert "postgres@" in url
    return url.replace("postgres@", f"postgres:{PASSWORD}@", 1)


@pytest.mark.postgresql
def test_the_password_is_in_no_session_argument_and_masked_in_the_console(pg_url_with_password,
                                                                            tmp_path):
    async def check(base: str, pid: int) -> None:
        client, ws = await open_session(base, base)
        try:
            text, closed = await read_terminal(ws, "ULCN")  # the Login screen: it works
            assert closed is None, text
            pids = sessions(pid)
            assert pids
            for child in pids:  # what `ps` shows to every user of the machine
                argv = argv_of(child)
                assert PASSWORD not in argv and "postgresql" not in argv, argv
            # the session has the URL from its environment (only its own user can read that)
            environ = Path(f"/proc/{pids[-1]}/environ").read_bytes().split(b"\0")
            assert f"USIS_DATABASE_URL={pg_url_with_password}".encode() in environ
            assert f"USIS_NOW={NOW}:00".encode() in environ
        finally:
            await ws.close()
            await client.close()

    with serving(pg_url_with_password, tmp_path) as (base, proc, log):
        asyncio.run(check(base, proc.pid))
    console = log.read_text()
    assert PASSWORD not in console
    assert "postgresql+psycopg://postgres:***@127.0.0.1" in console


# ---------------------------------------------------------------------- units
def test_served_command_carries_no_database_url():
    from usis_tui.cli import Settings
    from usis_tui.cli.serve import served_command

    settings = Settings()
    settings.db = f"postgresql+psycopg://usis:{PASSWORD}@db.example/usis"
    settings.now = NOW
    command = served_command(settings)
    assert PASSWORD not in command and "postgresql" not in command and "--db" not in command
    assert command.startswith("exec ") and command.endswith("-m usis_tui")


def test_session_environment_carries_the_url_and_the_clock():
    from datetime import datetime

    from usis_tui.serving import session_environment

    url = f"postgresql+psycopg://usis:{PASSWORD}@db.example/usis"
    assert session_environment(url, datetime(2026, 11, 23, 9, 30)) == {
        "USIS_DATABASE_URL": url, "USIS_NOW": "2026-11-23T09:30:00"}
    assert session_environment(url, None)["USIS_NOW"] is None  # removed: the wall clock


@pytest.mark.parametrize(("origin", "public_url", "allowed"), [
    ("http://127.0.0.1:8000", "http://127.0.0.1:8000", True),
    ("http://localhost:8000", "http://127.0.0.1:8000", True),
    ("http://[::1]:8000", "http://localhost:8000", True),
    ("HTTP://LOCALHOST:8000", "http://127.0.0.1:8000", True),
    ("https://usis.example.org", "https://usis.example.org", True),
    ("https://usis.example.org:443", "https://usis.example.org/", True),
    ("https://usis.example.org", "https://usis.example.org/usis", True),
    ("http://usis.example.org", "https://usis.example.org", False),  # scheme
    ("https://usis.example.org:8443", "https://usis.example.org", False),  # port
    ("https://evil.example", "https://usis.example.org", False),
    ("https://usis.example.org.evil.example", "https://usis.example.org", False),
    ("http://localhost:8001", "http://127.0.0.1:8000", False),
    ("http://evil.example:8000", "http://127.0.0.1:8000", False),  # DNS rebinding
    ("http://10.0.0.5:8000", "http://usis-host:8000", False),
    ("null", "http://127.0.0.1:8000", False),
    ("", "http://127.0.0.1:8000", False),
    (None, "http://127.0.0.1:8000", False),
    ("file://", "http://127.0.0.1:8000", False),
    ("http://127.0.0.1:99999", "http://127.0.0.1:8000", False),
])
def test_origin_rules(origin, public_url, allowed):
    from usis_tui.serving import origin_allowed

    assert origin_allowed(origin, public_url) is allowed


@pytest.mark.parametrize(("cpus", "memory_mb", "expected"), [
    (2, 24_000, 16),  # CPU-bound: 8 per CPU
    (2, 1_000, 7),  # memory-bound: 500 MB / 70 MB
    (64, 8_000, 57),
    (1, 50, 1),  # never below 1
])
def test_default_max_sessions(cpus, memory_mb, expected):
    from usis_tui.serving import default_max_sessions

    assert default_max_sessions(cpus, memory_mb * 1024 * 1024) == expected
    assert default_max_sessions() >= 1  # this machine


def test_public_url_must_be_an_http_address(demo_db_url, capsys):
    from usis_tui.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(["serve", "--db", demo_db_url, "--public-url", "usis.example.org"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usis: error:") and "https://usis.example.org" in err
    assert err.count("\n") == 1


def test_the_masking_writer_hides_the_password_in_every_form():
    from usis_tui.serving import MaskingWriter, secrets_of

    url = "postgresql+psycopg://usis:p%40ss%2Fw0rd@db.example/usis"
    out = io.StringIO()
    writer = MaskingWriter(out, secrets_of(url))
    writer.write(f"usis: error: Cannot connect to the database {url}: is the server running?\n")
    writer.write("the password p@ss/w0rd was typed\n")
    assert "w0rd" not in out.getvalue()
    assert "postgresql+psycopg://usis:***@db.example/usis" in out.getvalue()
    assert not hasattr(writer, "buffer")  # click cannot write around it
    assert secrets_of("sqlite:////tmp/usis.db") == []
