"""Tests of the partner API."""
