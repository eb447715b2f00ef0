"""WSGI entry point: ``gunicorn portal.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

application = get_wsgi_application()

# A web server that starts may run new code or new settings: pages kept by the one before
# it are not given out again (content.page_cache).
from content.page_cache import clear_everything  # noqa: E402 - needs the settings above

clear_everything()
