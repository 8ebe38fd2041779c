"""Tests of the shared building blocks and of the project's layering."""
