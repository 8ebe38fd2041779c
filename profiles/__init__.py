"""Profiles: one per user (a snippet), listed and shown by the profiles index page."""
