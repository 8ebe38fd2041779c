"""Template tags every app may use: the main menu from the page tree."""
