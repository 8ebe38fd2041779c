"""Template tags of the page cache."""
