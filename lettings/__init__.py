"""Lettings: addresses (snippets), the lettings index page, letting pages and old-site redirects."""
