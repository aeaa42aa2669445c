"""Nederlands | English: the switch on the Login and in every page's header (F2, a click, the
command palette), remembered per account and before sign-in in the config file; --lang and
USIS_LANG; the breadcrumb, the footer keys and the palette in the language shown."""

from __future__ import annotations

import tomllib

from helpers import make_app, settle
from shell_helpers import SIZE, sign_in, signed_in, text_of, wait_ready

from usis_tui import i18n


def footer_text(app) -> str:
    from textual.widgets._footer import FooterKey

    return " ".join(f"{k.key_display} {k.description}" for k in app.screen.query(FooterKey))


def header_switch(app) -> str:
    return app.screen.query_one("#language-switch").render().plain


async def _palette(pilot, query: str) -> None:
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*query)
    for _attempt in range(40):
        await pilot.pause(0.05)
        if pilot.app.screen.query("CommandList") and pilot.app.screen.query_one(
                "CommandList").option_count:
            break
    await pilot.pause(0.2)


async def test_lang_nl_shows_the_login_in_dutch_and_f2_switches_keeping_what_was_typed(
        demo_db_url):
    app = make_app(demo_db_url, lang="nl")
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        assert text_of(app.screen.query_one("#login-title")) == \
            "uSis – Log in met je ULCN-account"
        assert str(app.screen.query_one("#sign-in").label) == "Inloggen"
        assert header_switch(app) == "nl | en"
        assert "f2 English" in footer_text(app)
        await pilot.click("#username")
        await pilot.press(*"s1234567")
        await pilot.press("f2")
        await settle(pilot)
        assert i18n.get_language() == "en"
        assert str(app.screen.query_one("#sign-in").label) == "Sign In"
        assert app.screen.query_one("#username").value == "s1234567"
        assert "f2 Nederlands" in footer_text(app)


async def test_before_sign_in_the_choice_is_the_configurations_default(demo_db_url, tmp_path,
                                                                      monkeypatch):
    config = tmp_path / "config.toml"
    config.write_text('theme = "nord"\n')
    monkeypatch.setenv("USIS_CONFIG", str(config))
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert str(app.screen.query_one("#sign-in").label) == "Inloggen"
    assert tomllib.loads(config.read_text()) == {"theme": "nord", "lang": "nl"}
    i18n.set_language("en")
    again = make_app(demo_db_url)  # the next start is in Dutch
    async with again.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        assert str(again.screen.query_one("#sign-in").label) == "Inloggen"


async def test_usis_lang_environment(demo_db_url, monkeypatch):
    monkeypatch.setenv("USIS_LANG", "nl")
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        assert str(app.screen.query_one("#sign-in").label) == "Inloggen"


async def test_the_switch_in_the_header_rebuilds_the_page_in_dutch_and_the_account_keeps_it(
        demo_db_url):
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot)
        await app.navigate("Shopping cart")
        await settle(pilot)
        assert app.screen.query_one("#breadcrumb").text == \
            "Main Menu › Self Service › Student Center › Enrol"
        await pilot.click("#language-switch", offset=(2, 0))  # "nl"
        await settle(pilot)
        assert i18n.get_language() == "nl"
        assert app.screen.usis_page == "Shopping cart"
        assert app.screen.query_one("#breadcrumb").text == \
            "Hoofdmenu › Selfservice › Studentencentrum › Inschrijven"
        assert "esc Terug" in footer_text(app)
        # Escape walks back along the (Dutch) breadcrumb
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.query_one("#breadcrumb").text == \
            "Hoofdmenu › Selfservice › Studentencentrum"
    assert app.raw_usis.preferences.language("s1234567") == "nl"
    i18n.set_language("en")
    # the next sign-in, on another terminal, is in Dutch for this account only
    again = make_app(demo_db_url)
    async with again.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        assert str(again.screen.query_one("#sign-in").label) == "Sign In"
        await sign_in(pilot, "s1234567")
        assert again.identity is not None
        assert again.screen.query_one("#breadcrumb").text == "Hoofdmenu"
    i18n.set_language("en")
    other = make_app(demo_db_url)
    async with other.run_test(size=SIZE) as pilot:
        await signed_in(pilot, "s7654321")
        assert other.screen.query_one("#breadcrumb").text == "Main Menu"


async def test_lang_on_the_command_line_wins_over_the_accounts_choice(demo_db_url):
    setup = make_app(demo_db_url)
    setup.raw_usis.preferences.set_language("s1234567", "nl")
    app = make_app(demo_db_url, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot)
        assert app.screen.query_one("#breadcrumb").text == "Main Menu"


async def test_palette_offers_the_other_language_and_pages_by_their_dutch_names(demo_db_url):
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot)
        await _palette(pilot, "Nederlands")
        await pilot.press("enter")
        await settle(pilot)
        assert i18n.get_language() == "nl"
        await _palette(pilot, "Winkelwagen")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.usis_page == "Shopping cart"
        assert app.screen.query_one("#breadcrumb").text.endswith("› Inschrijven")


def test_cli_lang_and_errors_in_dutch(capsys):
    import pytest

    from usis_tui.cli import main

    with pytest.raises(SystemExit):
        main(["--lang", "nl", "--db", "sqlite:////nonexistent/dir/usis.db", "catalogue",
              "search", "x"])
    err = capsys.readouterr().err
    assert err.startswith("usis: fout: "), err
    with pytest.raises(SystemExit):
        main(["--lang", "xx", "config", "path"])
    assert "nl or en" in capsys.readouterr().err
