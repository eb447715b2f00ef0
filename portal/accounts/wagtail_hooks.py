"""Staff pages in the Wagtail admin get the idle time-out warning."""

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from portal.accounts.duty_admin import DutyViewSet
from portal.accounts.models import Duty
from portal.design.wagtail_hooks import yes_no_column


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


@hooks.register("register_admin_urls")
def enrolment_urls():
    from django.urls import path

    from portal.accounts.enrolment import enrol_view

    return [path("enrol/", enrol_view, name="enrol_resident")]


@hooks.register("register_admin_menu_item")
def enrolment_menu_item():
    from django.urls import reverse
    from wagtail.admin.menu import MenuItem

    class EnrolMenuItem(MenuItem):
        def is_shown(self, request):
            return request.user.has_perm("accounts.add_enrolment")

    return EnrolMenuItem(_("Register a resident"), reverse("enrol_resident"), icon_name="user")


class DutyListViewSet(DutyViewSet):
    """The duties, with "on duty now" as 是/否 in the list rather than True/False."""

    list_display = ["person", yes_no_column(Duty, "on_duty"), "changed_at"]


register_snippet(DutyListViewSet)
