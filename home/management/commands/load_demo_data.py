"""``manage.py load_demo_data``: build the whole demo site from the project's data file."""

import logging
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from home.demo import DEMO_DATA_FILE, DEMO_PASSWORDS, DemoDataError, DemoDataLoader, read_demo_data
from legacy.source import LegacySourceError

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    """Load the old site's records, a superuser, an editor and a moderator; safe to run again."""

    help = (
        "Build the demo site: 6 lettings with their addresses, 5 users, 4 profiles from the old site, "
        "plus an editor and a moderator account. Running it again changes nothing."
    )

    def add_arguments(self, parser):
        """Declare --force, --data and --no-photos."""
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run under production settings too; new demo accounts then get random passwords.",
        )
        parser.add_argument("--data", type=Path, default=DEMO_DATA_FILE, help="The demo data file (JSON).")
        parser.add_argument("--no-photos", action="store_true", help="Do not generate demo photos.")

    def handle(self, *args, **options):
        """Refuse production unless forced, load the data and print what was created and the logins."""
        production = getattr(settings, "IS_PRODUCTION", False)
        if production and not options["force"]:
            raise CommandError(
                "Refusing to load demo data under production settings: it adds demo accounts. "
                "Pass --force if you really want it (the accounts then get random passwords)."
            )
        try:
            data = read_demo_data(options["data"])
        except FileNotFoundError as error:
            raise CommandError(f"Demo data file not found: {options['data']}") from error
        except ValueError as error:
            raise CommandError(f"Demo data file {options['data']} is not valid JSON: {error}") from error
        loader = DemoDataLoader(data, random_passwords=production, with_photos=not options["no_photos"])
        try:
            report = loader.load()
        except DemoDataError as error:
            problems = "\n".join(f"  - {problem}" for problem in error.problems)
            raise CommandError(f"Demo data not loaded, nothing was changed. Problems found:\n{problems}") from error
        except LegacySourceError as error:
            raise CommandError(f"Demo data not loaded, nothing was changed: {error}") from error
        except ValidationError as error:
            raise CommandError(f"Demo data not loaded, nothing was changed: {error}") from error
        except DatabaseError as error:
            # The load is one transaction, already rolled back. No traceback here: --traceback shows it.
            logger.error("Demo data load failed and was rolled back: %s", error)
            raise CommandError(f"Demo data not loaded, nothing was changed: {error}") from error

        if report.changed_anything:
            created = ", ".join(f"{count} {kind}" for kind, count in report.created.items())
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded: created {created}."))
        else:
            self.stdout.write("Demo data already loaded: nothing to change.")
        for note in report.notes:
            self.stdout.write(self.style.WARNING(note))
        if report.logins:
            self.stdout.write(
                f"Logins (the Wagtail admin is {settings.WAGTAIL_ADMIN_PATH_PREFIX}, "
                f"the Django admin is {settings.DJANGO_ADMIN_PATH_PREFIX}):"
            )
            for username, password, role in report.logins:
                self.stdout.write(f"  {role:<10} {username} / {password}")
        elif not production:
            logins = ", ".join(f"{username} / {password}" for username, password in DEMO_PASSWORDS.items())
            self.stdout.write(f"Demo logins, unless changed since: {logins}")
