"""The help desk in the admin menu, for those who may act for residents."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from assist import (
    desk,
    desk_applications,
    desk_closing,
    desk_hospital,
    desk_learning,
    desk_slip,
)
from assist.models import CalendarDay
from assist.supervision import panels as supervision_panels
from assist.supervision import views as supervision_views
from portal.accounts.roles import ACT_FOR_RESIDENT
from portal.design.wagtail_hooks import yes_no_column


@hooks.register("register_admin_urls")
def desk_urls():
    return [
        path("desk/", desk.desk, name="assist_desk"),
        path("desk/duty/", desk.duty, name="assist_desk_duty"),
        path("desk/waiting/", desk.waiting_list, name="assist_desk_waiting"),
        path("desk/find/", desk.find, name="assist_desk_find"),
        path(
            "desk/residents/<int:resident_id>/help/", desk.help_here, name="assist_desk_help_here"
        ),
        path("desk/<int:request_id>/", desk.request_page, name="assist_desk_request"),
        path("desk/<int:request_id>/take/", desk.take, name="assist_desk_take"),
        path("desk/<int:request_id>/slip/", desk_slip.slip, name="assist_desk_slip"),
        path(
            "desk/<int:request_id>/hospital/",
            desk_hospital.book_hospital,
            name="assist_desk_hospital",
        ),
        path(
            "desk/<int:request_id>/application/",
            desk_applications.handle,
            name="assist_desk_application",
        ),
        path("desk/<int:request_id>/apply/", desk_applications.apply_for, name="assist_desk_apply"),
        path(
            "desk/<int:request_id>/apply/<int:page_id>/",
            desk_applications.apply_for,
            name="assist_desk_apply_page",
        ),
        path(
            "desk/<int:request_id>/apply/sent/<int:application_id>/",
            desk_applications.apply_sent,
            name="assist_desk_apply_sent",
        ),
        path(
            "desk/<int:request_id>/learning/",
            desk_learning.sessions_for_request,
            name="assist_desk_learning",
        ),
        path("desk/teaching/", desk_learning.teaching, name="assist_desk_teaching"),
        path(
            "desk/teaching/<int:session_id>/",
            desk_learning.teaching_session,
            name="assist_desk_teaching_session",
        ),
        path(
            "desk/<int:request_id>/close-account/",
            desk_closing.close_account,
            name="assist_desk_close_account",
        ),
    ]


class DeskMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(ACT_FOR_RESIDENT)


@hooks.register("register_admin_menu_item")
def desk_menu_item():
    return DeskMenuItem(_("Help desk"), reverse("assist_desk"), icon_name="help", order=50)


@hooks.register("register_admin_menu_item")
def teaching_menu_item():
    # Volunteers who teach write down who came and their hours (assist.desk_learning).
    return DeskMenuItem(
        _("Teaching digital skills"),
        reverse("assist_desk_teaching"),
        icon_name="doc-full",
        order=51,
    )


class CalendarDayViewSet(SnippetViewSet):
    model = CalendarDay
    icon = "date"
    menu_label = _("Holidays and make-up days")
    add_to_admin_menu = True
    menu_order = 270
    list_display = ["day", "name", yes_no_column(CalendarDay, "is_workday")]
    copy_view_enabled = False


register_snippet(CalendarDayViewSet)


# The supervisor's home (assist/supervision): the dashboard panel and each figure as CSV.
hooks.register("construct_homepage_panels", supervision_panels.add_supervision_panel)


@hooks.register("register_admin_urls")
def supervision_urls():
    return [
        path(
            "supervision/<slug:key>.csv",
            supervision_views.figure_csv,
            name="assist_supervision_csv",
        )
    ]
