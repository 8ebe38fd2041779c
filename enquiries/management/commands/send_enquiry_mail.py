"""``manage.py send_enquiry_mail``: send the enquiry e-mails still pending (Heroku Scheduler, every 10 minutes)."""

from django.core.management.base import BaseCommand, CommandError

from enquiries.mail import send_pending


class Command(BaseCommand):
    """Send what the web process could not (the mail server was down); exit 1 while some still fail."""

    help = "Send the enquiry e-mails that are still pending; a mail that fails again stays pending."

    def handle(self, *args, **options):
        """Send, report the counts, and fail when a mail could not be sent."""
        sent, failed = send_pending()
        self.stdout.write(f"{sent} enquiry e-mail{'s' if sent != 1 else ''} sent, {failed} still pending.")
        if failed:
            raise CommandError(f"{failed} enquiry e-mails could not be sent; they stay pending for the next run.")
