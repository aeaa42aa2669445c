"""End to end in a browser: `usis serve` (textual-serve) on a free port with a copy of the demo
database and USIS_NOW, opened in headless Chromium (Debian package `chromium`, driven with the
Python `playwright` package; no browser download): sign in as s1234567/demo by typing, check
that the Main Menu is on the page, and keep a PNG of it under test-artifacts/."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-extensions"]
# textual-serve keeps its xterm.js Terminal in a local variable; the test exposes it (in the
# browser only) so that it can read the terminal's text, which is drawn on a canvas.
HOOK_FROM = "const t=new w(e,{ping:r});"
HOOK_TO = "const t=new w(e,{ping:r});window.__usisTerminal=t;"


def find_chromium() -> str | None:
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, proc: subprocess.Popen, log: Path, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"usis serve exited with {proc.returncode}:\n{log.read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"usis serve did not listen on port {port}:\n{log.read_text()}")


@contextmanager
def serving(args: list[str], db_url: str, port: int, env: dict[str, str],
            log: Path) -> Iterator[str]:
    """`usis ARGS --host 127.0.0.1 --port PORT --db DB_URL` (ARGS end with `serve`) until the
    block ends; yields its URL; stops it and the apps it started."""
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "usis_tui", *args, "--host", "127.0.0.1", "--port",
             str(port), "--db", db_url],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_for_port(port, proc, log)
        yield f"http://127.0.0.1:{port}"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


@pytest.fixture
def server_downloads(tmp_path) -> Path:
    """The downloads folder of the user running `usis serve` (must stay empty)."""
    folder = tmp_path / "server-downloads"
    folder.mkdir()
    return folder


@pytest.fixture
def served(demo_db_url, tmp_path, server_downloads):
    """`usis serve` on a free port; yields its URL; stops it (and the apps it started)."""
    port = free_port()
    log = tmp_path / "serve.log"
    env = {**os.environ, "USIS_NOW": "2026-11-23T09:30", "TEXTUAL_ANIMATIONS": "none",
           "XDG_DOWNLOAD_DIR": str(server_downloads)}
    env.pop("USIS_DATABASE_URL", None)
    with serving(["serve"], demo_db_url, port, env, log) as url:
        yield url, log


def terminal_text(page) -> str:
    return page.evaluate("""() => {
        const t = window.__usisTerminal;
        if (!t || !t.terminal) return "";
        const buffer = t.terminal.buffer.active, rows = [];
        for (let i = 0; i < buffer.length; i++) {
            const line = buffer.getLine(i);
            rows.push(line ? line.translateToString(true) : "");
        }
        return rows.join("\\n");
    }""")


def wait_for_text(page, *texts: str, gone: str | None = None, timeout: float = 30.0) -> str:
    """Until every text is on the page (and ``gone`` is not)."""
    deadline = time.monotonic() + timeout
    shown = ""
    while time.monotonic() < deadline:
        shown = terminal_text(page)
        if all(t in shown for t in texts) and (gone is None or gone not in shown):
            return shown
        page.wait_for_timeout(100)
    raise AssertionError(f"timed out waiting for {texts!r}"
                         f"{f' without {gone!r}' if gone else ''}; the page shows:\n{shown}")


@contextmanager
def signed_in_page(url: str):
    """Headless Chromium on ``url``, signed in as s1234567 by typing; yields the page."""
    chromium = find_chromium()
    if chromium is None:
        pytest.skip("chromium not found (/usr/bin/chromium): apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, headless=True,
                                     args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800},
                                    accept_downloads=True)
            patched: list[bool] = []

            def route(request_route) -> None:
                request = request_route.request
                if not request.url.startswith(url):  # e.g. web fonts: no network here
                    request_route.abort()
                    return
                if request.url.endswith("/js/textual.js"):
                    response = request_route.fetch()
                    body = response.text()
                    patched.append(HOOK_FROM in body)
                    request_route.fulfill(response=response,
                                          body=body.replace(HOOK_FROM, HOOK_TO, 1))
                    return
                request_route.continue_()

            page.route("**/*", route)
            page.goto(url, wait_until="load", timeout=30_000)
            assert patched == [True], "textual-serve's textual.js changed: update HOOK_FROM"
            wait_for_text(page, "Sign in with your ULCN account", "Student number / User ID")
            # Keyboard focus without a click (a click would land on a widget of the app).
            page.focus("#terminal .xterm-helper-textarea")
            page.wait_for_timeout(500)  # the app focuses the user field after its first frame
            page.keyboard.type("s1234567", delay=30)
            wait_for_text(page, "s1234567", gone="e.g. s1234567")  # typed: no placeholder
            page.keyboard.press("Enter")
            page.wait_for_timeout(200)
            page.keyboard.type("demo", delay=30)
            wait_for_text(page, "••••")
            page.keyboard.press("Enter")
            yield page
        finally:
            browser.close()


def test_sign_in_in_the_browser_shows_the_main_menu(served):
    url, log = served
    ARTIFACTS.mkdir(exist_ok=True)
    png = ARTIFACTS / "browser-main-menu.png"
    with signed_in_page(url) as page:
        shown = wait_for_text(page, "Main Menu", "Eva de Vries (s1234567)")
        assert "Self Service" in shown
        page.wait_for_timeout(300)  # let the canvas catch up with the buffer
        page.screenshot(path=str(png))
    assert png.stat().st_size > 10_000
    print(f"\nbrowser screenshot: {png}")
    assert "Serving" in log.read_text()


def test_timetable_export_downloads_in_the_browser_and_writes_nothing_on_the_server(
        served, server_downloads):
    """Found: the export wrote to a path typed in the app, on the server. Through usis serve
    the browser downloads the file; the server's downloads folder stays empty."""
    url, _log = served
    with signed_in_page(url) as page:
        wait_for_text(page, "Main Menu", "Eva de Vries (s1234567)")
        page.keyboard.press("Control+p")
        page.wait_for_timeout(300)
        page.keyboard.type("Timetable", delay=30)
        page.wait_for_timeout(500)
        page.keyboard.press("Enter")
        wait_for_text(page, "Week 48")
        page.keyboard.press("e")
        wait_for_text(page, "Export to calendar", "Your browser downloads it as")
        with page.expect_download(timeout=30_000) as info:
            page.keyboard.press("Enter")
        download = info.value
        assert download.suggested_filename == "usis-timetable-s1234567.ics"
        data = Path(download.path()).read_bytes()
        assert data.startswith(b"BEGIN:VCALENDAR") and b"4031CPLANY" in data
    assert list(server_downloads.iterdir()) == []


def test_a_course_portal_certificate_downloads_in_the_browser(served, server_downloads,
                                                              demo_db_url):
    """The Course Portal's My Records through usis serve: the certificate's PDF is a browser
    download (Textual's deliver_binary), nothing is written on the server."""
    from datetime import datetime

    from usis_tui.services import Usis

    url, _log = served
    usis = Usis.open(demo_db_url, clock=lambda: datetime(2026, 11, 23, 9, 30))
    later = Usis.open(demo_db_url, clock=lambda: datetime(2026, 12, 1, 17, 0))
    try:  # Eva (ULCN) took Negotiation Skills and completed it
        eva = usis.portal_accounts.ulcn("s1234567").account_id
        course = next(o for o in usis.portal.offerings() if o.code == "LCP-NEG")
        held = usis.portal.enrol(eva, course.id)
        payment = usis.portal.pay(eva, held.id, "creditcard")
        usis.portal.checkout(eva, payment.reference, "paid")
        code = later.portal_admin.complete(held.id, actor="courseadmin").record_code
    finally:
        usis.close()
        later.close()
    with signed_in_page(url) as page:
        wait_for_text(page, "Main Menu", "Eva de Vries (s1234567)")
        page.keyboard.press("Control+p")
        page.wait_for_timeout(300)
        page.keyboard.type("My Records", delay=30)
        page.wait_for_timeout(500)
        page.keyboard.press("Enter")
        wait_for_text(page, "Log in to the Course Portal")
        page.keyboard.press("Control+s")  # ULCN: continue as the signed-in uSis user
        wait_for_text(page, "My Records", "Negotiation Skills for Professionals", code)
        with page.expect_download(timeout=30_000) as info:
            page.keyboard.press("d")
        download = info.value
        assert download.suggested_filename.endswith(".pdf") and code in (
            download.suggested_filename)
        assert Path(download.path()).read_bytes().startswith(b"%PDF")
    assert list(server_downloads.iterdir()) == []
