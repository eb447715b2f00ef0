from django.core.management.base import BaseCommand

from portal.areas.shanghai import load_shanghai

AREAS = {"shanghai": load_shanghai}


class Command(BaseCommand):
    help = "Load a city's districts and streets (safe to rerun: updates, never deletes)."

    def add_arguments(self, parser):
        parser.add_argument("area", choices=sorted(AREAS), help="Which city to load.")

    def handle(self, *args, area, **options):
        districts, streets = AREAS[area]()
        self.stdout.write(
            self.style.SUCCESS(f"Loaded {districts} districts and {streets} streets ({area}).")
        )
