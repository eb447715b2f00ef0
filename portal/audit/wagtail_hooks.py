"""The audit log in the Wagtail admin: staff with "view audit entry" may look, nobody changes it."""

import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from portal.admin_policies import ReadOnlyPolicy
from portal.audit.models import AuditEntry
from portal.audit.sentences import SENTENCES


def _action_choices():
    return [(action, action) for action in sorted(SENTENCES)]


class AuditEntryFilterSet(WagtailFilterSet):
    action = django_filters.ChoiceFilter(label=_("action"), choices=_action_choices)

    class Meta:
        model = AuditEntry
        fields = ["action", "channel"]


class AuditEntryViewSet(ModelViewSet):
    model = AuditEntry
    # A record written by residents' actions, not content: Wagtail's reference index (the
    # "usage" counts) would add a task and several queries to every save of audit entries.
    add_to_reference_index = False
    icon = "list-ul"
    menu_label = _("Audit log")
    add_to_admin_menu = True
    menu_order = 810
    list_display = ["created_at", "resident", "sentence", "actor_role", "action", "channel"]
    filterset_class = AuditEntryFilterSet
    inspect_view_enabled = True
    exclude_form_fields = []
    copy_view_enabled = False


register_permission_policy(AuditEntry, ReadOnlyPolicy(AuditEntry))
audit_viewset = AuditEntryViewSet("audit")


@hooks.register("register_admin_viewset")
def register_audit_viewset():
    return audit_viewset
