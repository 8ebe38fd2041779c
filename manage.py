#!/usr/bin/env python
"""Django's command-line utility for the Orange County Lettings site."""

import os
import sys


def main() -> None:
    """Run a management command, with the dev settings unless DJANGO_SETTINGS_MODULE says otherwise."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_cms.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
