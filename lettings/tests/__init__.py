"""Tests of the lettings package."""
