"""Tests of the enquiries: the form, the mail that is never lost, the admin, the spam rules."""
