"""Residents' phone numbers and addresses in the staff tools: in full only for roles that need
them to serve a resident (counter staff, who phone, dispatch and help in person; the help desk
shows them to whoever holds the resident's request). Others, such as supervisors watching the
numbers, see them masked: enough to tell two apart, not enough to call or visit.
"""

from wagtail.admin.ui.tables import Column

from portal.accounts.phone import masked_phone
from portal.accounts.roles import SERVE_AT_COUNTER

__all__ = ["ContactColumn", "masked_address", "masked_phone", "may_read_contacts"]


def may_read_contacts(user):
    """Whether ``user`` sees residents' phone numbers and addresses in full in the admin."""
    return user.has_perm(SERVE_AT_COUNTER)


def masked_address(address):
    """The first few characters (the district or road), then a mask."""
    address = address or ""
    return f"{address[:4]}…" if address else ""


class ContactColumn(Column):
    """A list column with a resident's phone (``address=False``) or address, masked for those
    who may not read it in full."""

    def __init__(self, name, *, address=False, **kwargs):
        super().__init__(name, **kwargs)
        self.mask = masked_address if address else masked_phone

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context.get("request")
        if request is None or not may_read_contacts(request.user):
            context["value"] = self.mask(context["raw_value"])
        return context
