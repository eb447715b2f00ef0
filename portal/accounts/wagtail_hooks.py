"""Staff pages in the Wagtail admin get the idle time-out warning."""

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from wagtail import hooks


@hooks.register("insert_global_admin_js")
def staff_timeout_warning():
    return format_html(
        '<script src="{}" data-idle-seconds="{}" data-extend-url="{}" data-title="{}" '
        'data-text="{}" data-button="{}"></script>',
        static("accounts/staff-timeout.js"),
        settings.STAFF_IDLE_SECONDS,
        reverse("staff_session_extend"),
        _("You will be signed out soon"),
        _("For safety, staff are signed out after 30 minutes without activity."),
        _("Stay signed in"),
    )
