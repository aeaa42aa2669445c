"""usis-tui: Leiden University's uSis self-service enrolment, in the terminal."""

__version__ = "0.1.0"
