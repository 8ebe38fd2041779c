"""Tests of the legacy import."""
