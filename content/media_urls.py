"""The pictures content pages show (the renditions of Wagtail images), from MEDIA_ROOT.

A web server in front of the portal may answer ``/media/images/`` itself; without one (the
embedded default, the browser tests) they are served here. Only renditions: originals stay
unlisted, and documents keep Wagtail's own view with its privacy checks.
"""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

urlpatterns = [
    re_path(
        r"^(?P<path>images/[^/]+)$",
        serve,
        {"document_root": settings.MEDIA_ROOT},
        name="content_picture",
    ),
]
