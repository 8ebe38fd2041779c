"""Tests of the home package."""
