"""Template tags of the home app: the site's main menu."""
