"""URLs. Resident pages are in Chinese at ``/`` and in English under ``/en/``."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from portal.design import views as design_views

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("media/", include("content.media_urls")),  # the pictures on content pages
    path("phone/status/", include("portal.notifications.urls")),
    # The hotline's calls and residents' texts (Twilio webhooks; a string, as below).
    path("phone/", include("assist.phone.urls")),
    # Dispatch companies post ride events here (signed; no language prefix).
    path("taxi/events/", include("services.taxi.webhook_urls")),
]

urlpatterns += i18n_patterns(
    path("display/", design_views.display_settings, name="display_settings"),
    path("", include("portal.accounts.urls")),
    path("", include("portal.audit.urls")),
    path("", include("portal.privacy.urls")),
    path("", include("portal.ratings.urls")),
    path("taxi/", include("services.taxi.urls")),
    path("hospital/", include("services.hospital.urls")),
    path("learning/", include("services.learning.urls")),
    path("apply/", include("services.applications.urls")),
    # The human channels (a string, so the portal never imports them).
    path("help/", include("assist.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
