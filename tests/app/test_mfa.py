"""Two-step sign-in in the app (Pilot), as support on the demo database: the first sign-in
sets it up (QR code, key, first code, recovery codes), the next asks the code, a code works
once, a recovery code works once, a reset starts the set-up again."""

from __future__ import annotations

import pyotp
from helpers import DEMO_NOW, make_app, settle, totp_secret
from shell_helpers import SIZE, sign_in, text_of, wait_ready

from usis_tui.screens.main_menu import MainMenuScreen
from usis_tui.screens.second_factor import RecoveryCodesScreen, SecondFactorScreen, SetupScreen
from usis_tui.services import Usis


async def type_code(pilot, code: str) -> None:
    field = pilot.app.screen.query_one("#mfa-code")
    field.focus()
    field.value = ""
    await pilot.press(*code, "enter")
    await settle(pilot)


def problems(app) -> str:
    return text_of(app.screen.query_one("#mfa-problems"))


def on_screen_text(app) -> str:
    return " ".join(text_of(w) for w in app.screen.query("Static"))


async def first_sign_in(pilot) -> tuple[str, list[str]]:
    """support's first sign-in: the set-up → its key, the recovery codes → Main Menu."""
    app = pilot.app
    await wait_ready(pilot)
    await sign_in(pilot, "support", code=False)
    assert isinstance(app.screen, SetupScreen) and app.identity is None
    key = "".join(text_of(app.screen.query_one("#mfa-key")).split())
    assert len(key) == 32
    qr = text_of(app.screen.query_one("#mfa-qr"))
    assert "█" in qr and len(qr.splitlines()) <= 23
    await type_code(pilot, "123456" if pyotp.TOTP(key).at(DEMO_NOW) != "123456" else "654321")
    assert isinstance(app.screen, SetupScreen) and "not valid" in problems(app)
    await type_code(pilot, pyotp.TOTP(key).at(DEMO_NOW))
    assert isinstance(app.screen, RecoveryCodesScreen) and app.identity is None
    codes = app.screen.codes
    assert len(codes) == 10 and all(c in on_screen_text(app) for c in codes)
    await pilot.click("#mfa-continue")
    await settle(pilot)
    assert isinstance(app.screen, MainMenuScreen)
    assert app.identity is not None and app.identity.username == "support"
    return key, codes


async def test_first_sign_in_sets_up_then_the_code_is_asked(demo_db_url):
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        key, codes = await first_sign_in(pilot)
        assert totp_secret(demo_db_url, "support")[0] == key
        await app.action_sign_out()
        await settle(pilot)
        # the next sign-in asks the code; the code of the set-up does not work twice
        await sign_in(pilot, "support", code=False)
        assert isinstance(app.screen, SecondFactorScreen) and app.identity is None
        await type_code(pilot, pyotp.TOTP(key).at(DEMO_NOW))
        assert isinstance(app.screen, SecondFactorScreen) and app.identity is None
        assert "used already" in problems(app)
        # the palette offers no page while the code is due
        assert app.usis is app.raw_usis
        # the next code (a phone a little ahead) signs in
        await type_code(pilot, pyotp.TOTP(key).at(DEMO_NOW.timestamp() + 30))
        assert isinstance(app.screen, MainMenuScreen) and app.identity.username == "support"
        # ... once
        await app.action_sign_out()
        await settle(pilot)
        await sign_in(pilot, "support", code=False)
        await type_code(pilot, pyotp.TOTP(key).at(DEMO_NOW.timestamp() + 30))
        assert app.identity is None and "used already" in problems(app)
        # a recovery code works, once
        await type_code(pilot, codes[0])
        assert isinstance(app.screen, MainMenuScreen)
        await app.action_sign_out()
        await settle(pilot)
        await sign_in(pilot, "support", code=False)
        await type_code(pilot, codes[0])
        assert app.identity is None and "not valid" in problems(app)
        await type_code(pilot, codes[1])
        assert isinstance(app.screen, MainMenuScreen)


async def test_a_reset_starts_the_set_up_again_and_escape_goes_back(demo_db_url):
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        await first_sign_in(pilot)
        await app.action_sign_out()
        await settle(pilot)
        usis = Usis.open(demo_db_url, clock=lambda: DEMO_NOW)
        usis.mfa.reset("support")  # `usis user mfa reset support`
        usis.close()
        await sign_in(pilot, "support", code=False)
        assert isinstance(app.screen, SetupScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert type(app.screen).__name__ == "LoginScreen" and app.identity is None


async def test_wrong_codes_count_towards_the_throttle(demo_db_url):
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        key, _codes = await first_sign_in(pilot)
        await app.action_sign_out()
        await settle(pilot)
        await sign_in(pilot, "support", code=False)
        for _ in range(5):
            await type_code(pilot, "000000")
        assert "Too many failed sign-in attempts" in problems(app)
        await type_code(pilot, pyotp.TOTP(key).at(DEMO_NOW.timestamp() + 30))
        assert app.identity is None and "Too many failed sign-in attempts" in problems(app)


async def test_a_student_turns_it_on_in_self_service(demo_db_url):
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        await sign_in(pilot, "s1234567")
        assert app.identity is not None  # optional: no code yet
        await app.navigate("Two-step sign-in")
        await settle(pilot)
        screen = app.screen
        assert "off" in text_of(screen.query_one("#two-step-status"))
        await pilot.click("#two-step-start")
        await settle(pilot)
        key = "".join(text_of(screen.query_one("#mfa-key")).split())
        field = screen.query_one("#two-step-code")
        field.value = pyotp.TOTP(key).at(DEMO_NOW)
        await pilot.click("#two-step-confirm")
        await settle(pilot)
        assert "on" in text_of(screen.query_one("#two-step-status"))
        assert len(text_of(screen.query_one("#mfa-recovery-codes")).splitlines()) == 5
        await app.action_sign_out()
        await settle(pilot)
        await sign_in(pilot, "s1234567", code=False)
        assert isinstance(app.screen, SecondFactorScreen)


async def test_the_code_screen_in_dutch(demo_db_url, dutch):
    from helpers import set_up_totp

    set_up_totp(demo_db_url, "support", DEMO_NOW)
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        await sign_in(pilot, "support", code=False)
        assert isinstance(app.screen, SecondFactorScreen)
        assert "Inloggen in twee stappen" in on_screen_text(app) + text_of(
            app.screen.query_one(".mfa-title"))
        await type_code(pilot, "000000")
        assert "De code is niet geldig." in problems(app)
