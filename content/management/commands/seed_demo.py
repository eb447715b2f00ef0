from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from content.demo import build_demo


class Command(BaseCommand):
    help = "Build the demo site in Chinese and English and one account per role (safe to rerun)."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("seed_demo makes accounts with known passwords: not in production.")
        build_demo(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo content is ready."))
