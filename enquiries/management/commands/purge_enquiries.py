"""``manage.py purge_enquiries --older-than DAYS``: delete old enquiries and their e-mails for good."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from enquiries.models import Enquiry
from enquiries.throttle import forget_old

MAX_DAYS = 36500


class Command(BaseCommand):
    """Personal data is kept no longer than needed: delete the enquiries that came in before DAYS days ago."""

    help = "Delete enquiries (with their e-mails) that came in more than DAYS days ago."

    def add_arguments(self, parser):
        """Require ``--older-than DAYS``."""
        parser.add_argument("--older-than", type=int, required=True, metavar="DAYS", help="Age in days (at least 1).")

    def handle(self, *args, **options):
        """Delete and say how many went."""
        days = options["older_than"]
        if days < 1:
            raise CommandError("--older-than must be at least 1 day.")
        if days > MAX_DAYS:
            raise CommandError(f"--older-than must be at most {MAX_DAYS} days (100 years).")
        cutoff = timezone.now() - timedelta(days=days)
        _rows, by_model = Enquiry.objects.filter(created_at__lt=cutoff).delete()
        count = by_model.get(Enquiry._meta.label, 0)
        forget_old()  # the rate limit's counts and used start times past their window
        self.stdout.write(f"{count} enquir{'ies' if count != 1 else 'y'} older than {days} days deleted.")
