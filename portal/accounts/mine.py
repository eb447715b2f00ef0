"""我的 (mine): one page that leads a resident back to their things, from the home page and the
help bar. Each link is named as the page it opens is titled."""

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from portal.accounts import closing
from portal.accounts.decorators import resident_required
from portal.consent.api import residents_who_allow
from portal.consent.models import Scope

# (URL name, what the page is called there): the services' and the desk's pages by URL name,
# so the accounts app imports none of them.
MINE = [
    ("taxi:rides", _("My taxi rides")),
    ("hospital:appointments", _("My hospital appointments")),
    ("applications:mine", _("My applications")),
    ("assist:my_requests", _("My requests for help")),
    ("learning:mine", _("My sessions")),
    ("learning:learned", _("What I have learned")),
    ("profile", _("My details")),
    ("family", _("Family members who can help me")),
    ("my_information", _("Who has seen or used your information")),
    ("my_data", _("My data")),
    ("my_agreements", _("What I agreed the portal may keep")),
    ("close_account", _("Close my account")),
]


@resident_required
@require_GET
def mine(request):
    """Links to everything of mine: rides, appointments, requests for help, details, family."""
    links = [{"url": reverse(name), "label": label} for name, label in MINE]
    # Family who let me call taxis for them: a link to each one's taxi page, after my rides.
    for position, member in enumerate(residents_who_allow(request.user, Scope.TAXI), start=1):
        label = _("A taxi for %(name)s") % {"name": member}
        url = reverse("taxi:for_resident", args=[member.pk])
        links.insert(position, {"url": url, "label": label})
    # While a closing is pending: when, and the way to keep the account, above everything.
    pending = closing.pending_closure(request.user)
    closes = closing.when_words(pending.closes_at) if pending else ""
    return render(request, "accounts/mine.html", {"links": links, "closes": closes})
