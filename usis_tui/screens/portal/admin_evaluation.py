"""Evaluation results (staff role "portal"): per course the responses (n of the enrolled), per
statement how many answered 1 to 5 and the mean, a bar chart of the means, and the comments —
never who answered what (the service keeps no link between an answer and a person).

    Main Menu › Portal administration › Evaluation results

The chart (textual-plotext) is drawn from the numbers alone, without animation, so it looks the
same on every run; below ``CHART_WIDTH`` columns it is left out and the table has the numbers.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.color import Color
from textual.containers import Horizontal, VerticalScroll
from textual.events import Resize
from textual_plotext import PlotextPlot

from ... import i18n
from ...i18n import N_, _, ngettext
from ...text import clean
from ...theme import PRIMARY
from ...widgets.literal import DataTable, Label, Select, Static
from ...widgets.problems import ProblemList
from ..calls import service_worker
from .admin import PortalStaffScreen

if TYPE_CHECKING:
    from ...services.portal.schemas import EvaluationSummary, OfferingInfo

#: below this width the chart is left out (the table has the numbers)
CHART_WIDTH = 90
#: below this width the table shows each statement's short name
NARROW = 110
#: the statements' short names (table and chart), by the service's keys
SHORT = {"content": N_("Content"), "lecturer": N_("Lecturer"),
         "organisation": N_("Organisation"), "materials": N_("Materials"),
         "recommend": N_("Recommend")}


def short_name(key: str, text: str) -> str:
    return _(SHORT[key]) if key in SHORT else text


class MeansChart(PlotextPlot):
    """A horizontal bar per statement: its mean on the scale 1 to 5."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.summary: EvaluationSummary | None = None

    def show(self, summary: EvaluationSummary | None) -> None:
        self.summary = summary
        plt = self.plt
        plt.clear_figure()
        if summary is not None:
            answered = [q for q in summary.questions if q.mean is not None]
            if answered:
                labels = [clean(short_name(q.key, q.text), oneline=True) for q in answered]
                # plotext draws the first bar at the bottom: reversed, the first is on top
                colour = Color.parse(self.app.theme_variables.get("primary", PRIMARY)).rgb
                plt.bar(labels[::-1], [q.mean or 0 for q in answered][::-1],
                        orientation="horizontal", width=0.4, color=colour)
                plt.xlim(0, 5)
                plt.xticks([1, 2, 3, 4, 5])
                plt.title(_("Mean per statement (1 = strongly disagree, 5 = strongly agree)"))
        self.refresh()


class EvaluationResultsScreen(PortalStaffScreen):
    PAGE = "Evaluation results"
    AUTO_FOCUS = "#evaluation-course"
    BINDINGS: ClassVar = [
        Binding("ctrl+n", "step(1)", N_("Next course"), tooltip=N_("The next course's results"),
                id="portal_admin_evaluation.next"),
        Binding("ctrl+b", "step(-1)", N_("Previous course"),
                tooltip=N_("The previous course's results"),
                id="portal_admin_evaluation.previous"),
        Binding("f5", "reload", N_("Refresh"), show=False,
                id="portal_admin_evaluation.reload"),
    ]

    def __init__(self, offering_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.offering_id = offering_id
        self.offerings: list[OfferingInfo] = []
        self.summary: EvaluationSummary | None = None
        self._filling = False

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="page", classes="portal-admin-page portal-evaluation"):
            with Horizontal(classes="title-row"):
                yield Label(_("Evaluation results"), classes="page-title")
                yield Static(_("Anonymous: never who answered what"), id="evaluation-anonymous")
            with Horizontal(id="evaluation-choose"):
                yield Label(_("Course"), classes="field-label")
                yield Select([], prompt=_("Choose a course"), id="evaluation-course",
                             compact=True, allow_blank=True)
            yield ProblemList(id="evaluation-problems")
            yield Static("", id="portal-admin-result", classes="result")
            yield Static("", id="evaluation-summary")
            yield DataTable(id="statements-table", cursor_type="row", zebra_stripes=True,
                            show_cursor=False)
            yield MeansChart(id="evaluation-chart")
            yield Static("", id="evaluation-comments")

    def on_mount(self) -> None:
        self.load()

    def on_resize(self, event: Resize) -> None:
        self._layout()
        if self.summary is not None:
            self._fill()

    def _layout(self) -> None:
        self.query_one(MeansChart).display = self.size.width >= CHART_WIDTH

    def action_reload(self) -> None:
        self.clear_messages()
        self.load()

    def action_step(self, by: int) -> None:
        ids = [o.id for o in self.offerings]
        if not ids:
            return
        at = ids.index(self.offering_id) if self.offering_id in ids else -by
        self._choose(ids[(at + by) % len(ids)])

    def _choose(self, offering_id: int) -> None:
        self.offering_id = offering_id
        self._filling = True
        self.query_one("#evaluation-course", Select).value = offering_id
        self.call_after_refresh(self._filled)
        self.load_results()

    def _filled(self) -> None:
        self._filling = False

    # ------------------------------------------------------------------ loading
    @service_worker(exclusive=True, group="evaluation", problems="#evaluation-problems")
    async def load(self) -> None:
        offerings = await self.read(self.usis_app.usis.portal_admin.offerings)
        if offerings is None:
            return
        self.offerings = offerings
        ids = [o.id for o in offerings]
        if self.offering_id not in ids:
            finished = [o for o in offerings if o.state == "finished"]
            self.offering_id = (finished or offerings)[0].id if offerings else None
        self._filling = True
        select = self.query_one("#evaluation-course", Select)
        select.set_options([(f"{o.code} {o.title}", o.id) for o in offerings])
        if self.offering_id is not None:
            select.value = self.offering_id
        self.call_after_refresh(self._filled)
        self._layout()
        self.load_results()

    @service_worker(exclusive=True, group="evaluation-results",
                    problems="#evaluation-problems")
    async def load_results(self) -> None:
        if self.offering_id is None:
            return
        summary = await self.read(self.usis_app.usis.portal_admin.evaluation,
                                  self.offering_id,
                                  loading=self.query_one("#statements-table"))
        if summary is None:
            return
        self.summary = summary
        self._fill()

    @on(Select.Changed, "#evaluation-course")
    def _course_chosen(self, event: Select.Changed) -> None:
        event.stop()
        if self._filling or not isinstance(event.value, int) or \
                event.value == self.offering_id:
            return
        self.offering_id = event.value
        self.load_results()

    # ------------------------------------------------------------------ showing
    def _fill(self) -> None:
        s = self.summary
        assert s is not None
        narrow = self.size.width < NARROW
        share = f" ({s.responses * 100 // s.enrolled}%)" if s.enrolled else ""
        summary = Text()
        summary.append(s.title, style="bold")
        summary.append("  " + ngettext("{n} response of {enrolled} enrolled",
                                       "{n} responses of {enrolled} enrolled",
                                       s.responses).format(n=s.responses, enrolled=s.enrolled)
                       + share)
        self.query_one("#evaluation-summary", Static).update(summary)
        table = self.query_one("#statements-table", DataTable)
        means = [i18n.format_grade(q.mean) if q.mean is not None else "–" for q in s.questions]
        count_w = max([1] + [len(str(c)) for q in s.questions for c in q.counts])
        fixed = 5 * (count_w + 2) + (max(4, len(_("Mean"))) + 2) + \
            (max(1, len(_("n"))) + 2)
        statement_w = max(12, min(60, self.size.width - 4 - 2 - fixed - 2))
        table.clear(columns=True)
        table.add_column(_("Statement"), key="statement", width=statement_w)
        for n in range(1, 6):
            table.add_column(str(n), key=str(n), width=count_w)
        table.add_column(_("Mean"), key="mean", width=max(4, len(_("Mean"))))
        table.add_column(_("n"), key="n", width=max(2, count_w))
        for q, mean in zip(s.questions, means, strict=True):
            table.add_row(short_name(q.key, q.text) if narrow else q.text,
                          *[Text(str(c), style="" if c else "dim") for c in q.counts],
                          Text(mean, style="bold"), str(sum(q.counts)), key=q.key)
        self.query_one(MeansChart).show(s if s.responses else None)
        self.query_one("#evaluation-comments", Static).update(self._comments(s))

    @staticmethod
    def _comments(s: EvaluationSummary) -> Text:
        text = Text()
        if not s.responses:
            text.append(_("No evaluations have been submitted for this course."),
                        style="italic")
            return text
        counted = Counter(s.comments)
        text.append(ngettext("{n} comment", "{n} comments", len(s.comments)).format(
            n=len(s.comments)), style="bold")
        if not counted:
            text.append("\n" + _("Nobody left a comment."), style="italic")
        for comment, n in sorted(counted.items(), key=lambda item: (-item[1], item[0])):
            text.append("\n• ")
            text.append(comment)
            if n > 1:
                text.append(" " + _("({n}×)").format(n=n), style="dim")
        return text


__all__ = ["EvaluationResultsScreen", "MeansChart"]
