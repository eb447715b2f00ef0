from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from portal.notifications.api import last_message_to


class Command(BaseCommand):
    help = "Print the last message sent to a phone number (for counter staff and demos)."

    def add_arguments(self, parser):
        parser.add_argument("phone", help="The number, e.g. 13800000001 or +8613800000001.")

    def handle(self, *args, phone, **options):
        try:
            message = last_message_to(phone)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        if message is None:
            raise CommandError(f"No message has been sent to {phone}.")
        self.stdout.write(message.body)
        self.stderr.write(
            f"{message.get_channel_display()}, {message.get_status_display()}, "
            f"{timezone.localtime(message.created_at):%Y-%m-%d %H:%M}"
        )
