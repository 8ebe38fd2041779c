"""Shared building blocks of the site's apps: pagination, migration helpers, main-page rules, sitemap sections.

The lowest layer: ``core`` imports no other app of the project, so every app may import it.
"""
