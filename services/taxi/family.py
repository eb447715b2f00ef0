"""Who may call a taxi for whom on the website: a resident for themselves, and a family member
for a resident whose taxi permission names them (``portal/accounts/family.py``).

The pages ask here what to offer and show; the api checks the permission again when it acts.
"""

from portal.audit.api import record_view
from portal.channels import Channel
from portal.consent import api as consent_api
from portal.consent.models import Scope


def residents_allowing(user):
    """The residents who let ``user`` call taxis for them now, oldest permission's first."""
    return list(consent_api.residents_who_allow(user, Scope.TAXI).order_by("pk"))


def allowed(user, resident):
    """The permission that lets ``user`` call taxis for ``resident`` now, or None."""
    if user.is_staff:  # staff act for residents at the desk, under a request for help
        return None
    return consent_api.valid_consent(resident, Scope.TAXI, user)


def record_look(user, resident, consent):
    """Write in ``resident``'s log that ``user`` looked at their taxi rides on the website."""
    record_view(user, resident, "rides", channel=Channel.WEB, consent=consent)
