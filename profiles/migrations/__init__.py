"""Migrations of the profiles app."""
