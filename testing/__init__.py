"""Support for the tests and the benchmark: factories, real local servers, admin form data, browser helpers.

Like ``wagtail/test/``: test modules and ``bench/`` import from here, never from one another.
"""
