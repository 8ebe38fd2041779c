"""Tests of the site_cms package."""
