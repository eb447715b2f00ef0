from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from portal.accounts.phone import normalize_phone
from portal.notifications.backends.console import last_received


class Command(BaseCommand):
    help = (
        "Print the last text the console phone received for a number (the embedded default's "
        "stand-in for a phone; not available in production)."
    )

    def add_arguments(self, parser):
        parser.add_argument("phone", help="The number, e.g. 13800000001 or +8613800000001.")

    def handle(self, *args, phone, **options):
        if settings.PRODUCTION:
            raise CommandError("last_message is for development only: codes reach real phones.")
        try:
            recipient = normalize_phone(phone)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        entry = last_received(recipient)
        if entry is None:
            raise CommandError(f"The console phone has received nothing for {phone}.")
        self.stdout.write(entry["text"])
        self.stderr.write(f"{entry['kind']}, {entry['at'][:16].replace('T', ' ')}")
