"""Digital-skills sessions in the Wagtail admin: counter staff and supervisors plan them.

A session is added or changed here; its places change only through ``services.learning.api``
(sign-ups on every channel, attendance on the desk's teaching pages). Fewer places than are
booked is refused in words; more places book those waiting at once, and each is texted.
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views.generic import CreateView, EditView
from wagtail.admin.viewsets.model import ModelViewSet

from services.learning import api
from services.learning.models import Session


class SessionForm(WagtailAdminModelForm):
    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The session must end after it starts."))
        capacity = cleaned.get("capacity")
        if self.instance.pk and capacity is not None:
            taken = api.places_taken(self.instance)
            if capacity < taken:
                self.add_error(
                    "capacity",
                    forms.ValidationError(
                        _("%(taken)s places are booked: the session needs at least that many."),
                        params={"taken": taken},
                    ),
                )
        return cleaned


class FillPlacesMixin:
    """After a save, those waiting get the places the session now has."""

    def save_instance(self):
        session = super().save_instance()
        api.session_saved(session)
        return session


class SessionCreateView(FillPlacesMixin, CreateView):
    pass


class SessionEditView(FillPlacesMixin, EditView):
    pass


class SessionViewSet(ModelViewSet):
    model = Session
    form_fields = ["topic", "centre", "starts_at", "ends_at", "room", "capacity", "language"]
    icon = "date"
    menu_label = _("Digital-skills sessions")
    menu_order = 320
    add_to_admin_menu = True
    list_display = ["__str__", "centre", "room", "language", "capacity"]
    list_filter = ["topic", "centre", "language"]
    ordering = ["-starts_at"]
    add_view_class = SessionCreateView
    edit_view_class = SessionEditView
    copy_view_enabled = False

    def get_form_class(self, for_update=False):
        # Wagtail's own form for these fields, with the places check above.
        return forms.modelform_factory(
            Session,
            form=SessionForm,
            fields=self.form_fields,
            formfield_callback=self.formfield_for_dbfield,
        )


@hooks.register("register_admin_viewset")
def register_session_viewset():
    return SessionViewSet("learning_sessions")
