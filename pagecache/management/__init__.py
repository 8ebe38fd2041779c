"""Management commands of the page cache."""
