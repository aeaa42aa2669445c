"""The act-as banner: "Acting as Eva de Vries (s1234567) — support: support", on every page while
support staff act as a student, with a link to stop. Hidden otherwise."""

from __future__ import annotations

from textual.content import Content

from ..i18n import _
from .literal import Static


class ActAsBanner(Static):
    DEFAULT_CSS = """
    ActAsBanner {
        display: none; height: 1; width: 1fr; padding: 0 1;
        background: $warning; color: white; text-style: bold;
    }
    ActAsBanner.-acting { display: block; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__("", markup=False, **kwargs)
        self.text = ""

    def on_mount(self) -> None:
        self.sync()

    def sync(self) -> None:
        """Show the app's act-as text (or hide the banner when nobody is acted for)."""
        text = getattr(self.app, "act_as_text", None) or ""
        self.text = text
        self.set_class(bool(text), "-acting")
        if text:
            key = getattr(self.app, "stop_key_label", "ctrl+g")
            self.update(Content.assemble(
                text, "   ",
                Content.from_markup("[@click=app.stop_acting]$label[/]",
                                    label=_("Stop acting as ({key})").format(key=key))))
        else:
            self.update("")
