"""Migrations of the lettings app."""
