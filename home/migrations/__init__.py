"""Migrations of the home app."""
