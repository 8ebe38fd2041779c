"""Plain content pages editors write under the home page: the privacy notice, terms, about us."""
