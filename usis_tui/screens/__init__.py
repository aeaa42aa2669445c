"""One module per uSis page."""
