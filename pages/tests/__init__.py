"""Tests of the content pages."""
