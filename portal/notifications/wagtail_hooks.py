"""The message list and the numbers that opted out, for staff in the Wagtail admin: read-only."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.views.generic import InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from portal.accounts.contact import ContactColumn, masked_phone, may_read_contacts
from portal.admin_policies import ReadOnlyPolicy
from portal.audit import api as audit
from portal.notifications.models import Message, OptOut


class MessageInspectView(InspectView):
    """One message's details: a look at a person's data, so it goes in their audit log."""

    def get(self, request, *args, **kwargs):
        person = get_user_model().objects.filter(phone=self.object.recipient).first()
        if person is not None:
            audit.record_view(request.user, person, "messages")
        return super().get(request, *args, **kwargs)

    def get_field_display_value(self, field_name, field):
        if field_name == "recipient" and not may_read_contacts(self.request.user):
            return masked_phone(self.object.recipient)
        return super().get_field_display_value(field_name, field)


class MessageViewSet(ModelViewSet):
    model = Message
    # A record written by residents' actions, not content: Wagtail's reference index (the
    # "usage" counts) would add a task and several queries to every save of messages.
    add_to_reference_index = False
    icon = "mail"
    menu_label = _("Messages")
    add_to_admin_menu = True
    menu_order = 800
    list_display = [
        "created_at",
        ContactColumn("recipient", label=_("recipient")),
        "medium",
        "purpose",
        "status",
        "error_in_words",
    ]
    list_filter = ["status", "medium", "purpose"]
    search_fields = ["recipient", "provider_id"]
    inspect_view_enabled = True
    inspect_view_class = MessageInspectView
    # The secret is never shown; the text shows a mask where the code was.
    inspect_view_fields_exclude = ["secret", "secret_until", "related_type", "related_id"]
    exclude_form_fields = []
    copy_view_enabled = False


register_permission_policy(Message, ReadOnlyPolicy(Message))
message_viewset = MessageViewSet("messages")


@hooks.register("register_admin_viewset")
def register_message_viewset():
    return message_viewset


class OptOutViewSet(ModelViewSet):
    """Who asked for no more messages (STOP): so staff can tell a resident why texts stopped."""

    model = OptOut
    add_to_reference_index = False
    icon = "cross"
    menu_label = _("Opted out of messages")
    add_to_admin_menu = True
    menu_order = 801
    list_display = ["since", ContactColumn("phone", label=_("phone")), "source"]
    list_filter = ["source"]
    search_fields = ["phone"]
    exclude_form_fields = []
    copy_view_enabled = False


register_permission_policy(OptOut, ReadOnlyPolicy(OptOut))
opt_out_viewset = OptOutViewSet("opt_outs")


@hooks.register("register_admin_viewset")
def register_opt_out_viewset():
    return opt_out_viewset
