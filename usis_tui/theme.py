"""The uSis theme: every colour of the app is here (the .tcss files use its variables).

Rich Text built in Python (status words, the week grid, the timetable's list) cannot read the
theme's variables, so it takes its colours from the names below, which read the theme.
"""

from __future__ import annotations

from textual.theme import Theme

# The PeopleSoft Campus Solutions look: white pages, grey panels, blue links and headers.
USIS_THEME = Theme(
    name="usis",
    primary="#1F4E79",      # PeopleSoft header / link blue
    secondary="#4A6F91",
    accent="#C25E00",       # focus / highlight (PeopleSoft orange)
    warning="#9C5700",
    error="#B3261E",
    success="#2E7D32",
    foreground="#1B1B1B",
    background="#F4F5F7",
    surface="#FFFFFF",
    panel="#DDE3EA",
    dark=False,
    variables={
        "block-cursor-background": "#1F4E79",
        "block-cursor-foreground": "#FFFFFF",
        "block-cursor-text-style": "bold",
        "footer-key-foreground": "#1F4E79",
        "footer-background": "#DDE3EA",
        "footer-description-foreground": "#1B1B1B",
        "input-selection-background": "#1F4E79 35%",
        "usis-muted": "#6B6B6B",
        "usis-on-dark": "#FFFFFF",
        # the courses of the week grid (widgets/week_grid.py), in turn
        **{f"course-{i}": colour for i, colour in enumerate(
            ("#1F5F99", "#2E7D32", "#6A3D9A", "#8C564B", "#00796B", "#AD1457", "#3949AB",
             "#6B6B00", "#0277BD", "#5D4037", "#7B1FA2", "#37474F"), start=1)},
    },
)

PRIMARY = USIS_THEME.primary  # planned, waiting for placement
SECONDARY = USIS_THEME.secondary or PRIMARY  # not yet open, submitted
GOOD = USIS_THEME.success or PRIMARY  # open, enrolled, approved
WARN = USIS_THEME.warning or PRIMARY  # wait list, provisional, deadlines
BAD = USIS_THEME.error or PRIMARY  # closed, conflicts, rejected
MUTED = USIS_THEME.variables["usis-muted"]  # withdrawn, closed periods
ON_DARK = USIS_THEME.variables["usis-on-dark"]  # text on a coloured block
COURSE_COLOURS = tuple(USIS_THEME.variables[f"course-{i}"] for i in range(1, 13))
