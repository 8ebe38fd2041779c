"""``manage.py import_legacy PATH``: bring an old-site SQLite database into the Wagtail site."""

import logging

from django.core.management.base import BaseCommand, CommandError

from legacy.importer import ImportPlan, Kind, LegacyImport, Mode, Status
from legacy.source import LegacySource, LegacySourceError

logger = logging.getLogger(__name__)

# The report's columns: the statuses this command's modes (REPORT, UPDATE) give; only RESTORE skips a row.
REPORTED_STATUSES = tuple(status for status in Status if status is not Status.SKIPPED)


class Command(BaseCommand):
    """Import users, profiles, addresses and lettings; all or nothing, safe to run again."""

    help = (
        "Import an old Orange County Lettings SQLite database (either layout): users with their password "
        "hashes, profiles, addresses and lettings (published pages that keep their old ids). Everything is "
        "checked before anything is written; a second run changes nothing."
    )

    def add_arguments(self, parser):
        """Declare PATH, --update and --dry-run."""
        parser.add_argument("path", help="The old site's SQLite file (opened read-only).")
        parser.add_argument(
            "--update", action="store_true", help="Overwrite records that exist with other values (conflicts)."
        )
        parser.add_argument("--dry-run", action="store_true", help="Print what would happen; write nothing.")

    def handle(self, *args, **options):
        """Plan the import, refuse it if any row breaks a rule, else apply it and print the report."""
        try:
            source = LegacySource(options["path"])
        except LegacySourceError as error:
            raise CommandError(str(error)) from error
        try:
            importer = LegacyImport(source, mode=Mode.UPDATE if options["update"] else Mode.REPORT)
            try:
                plan = importer.plan()
            except LegacySourceError as error:
                raise CommandError(f"Import refused, nothing was written: {error}") from error
            self._report(plan, dry_run=options["dry_run"])
            if plan.problems:
                problems = "\n".join(f"  - {problem}" for problem in plan.problems)
                raise CommandError(f"Import refused, nothing was written. Rows that break the rules:\n{problems}")
            if options["dry_run"]:
                self.stdout.write("Dry run: nothing was written.")
                return
            if not plan.writes:
                self.stdout.write("Nothing to import: the site already holds everything in this file.")
                return
            try:
                importer.apply(plan)
            except Exception as error:
                logger.exception("Legacy import of %s failed and was rolled back", options["path"])
                raise CommandError(f"Import failed and was rolled back, nothing was written: {error}") from error
            self.stdout.write(self.style.SUCCESS(f"Imported {len(plan.writes)} records from {options['path']}."))
        finally:
            source.close()

    def _report(self, plan: ImportPlan, *, dry_run: bool) -> None:
        """Print the per-kind counts and every conflict, by the fields that differ (never their values)."""
        would = "would be " if dry_run else ""
        self.stdout.write(f"Old-site database ({plan.layout} layout). Records {would}handled:")
        counts = plan.counts()
        self.stdout.write(f"  {'':<10}" + "".join(f"{status:>12}" for status in REPORTED_STATUSES))
        for kind in Kind:
            self.stdout.write(f"  {kind:<10}" + "".join(f"{counts[kind][status]:>12}" for status in REPORTED_STATUSES))
        for step in plan.conflicts:
            self.stdout.write(
                f"Conflict, left alone (use --update to overwrite): {step.kind} {step.label}: "
                + "; ".join(step.differences)
            )
