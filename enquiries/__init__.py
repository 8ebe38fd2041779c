"""Enquiries: a visitor asks a letting for dates; the company answers from the Wagtail admin."""
