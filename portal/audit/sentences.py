"""The sentences a resident reads about their audit log, rendered in the reader's language.

An entry stores an ``action`` code and a few ``details``; the sentence is built when it is shown,
from the templates below. Each template may use ``%(who)s`` (role and name, or "You"),
``%(how)s`` (the channel, for example "by phone"), any key of the entry's ``details``, and, when
the entry names a consent, ``%(grantee)s``, ``%(permission)s`` and ``%(until)s``.

A service with an action of its own adds it once at start-up with :func:`register_sentence`
(for example from its ``AppConfig.ready()``); :func:`portal.audit.api.record` refuses actions
that have no sentence, so every entry can be shown to the resident.
"""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.accounts.roles import Role, role_codes, role_of
from portal.channels import Channel
from portal.consent.models import GivenVia, Scope

STAFF_LABEL = _("Staff member")

HOW = {
    Channel.WEB: _("on the website"),
    Channel.PHONE: _("by phone"),
    Channel.SMS: _("by text message"),
    Channel.VOLUNTEER: _("when you asked for help"),
    Channel.COUNTER: _("at a community centre counter"),
    Channel.STAFF_TOOLS: _("in the staff tools"),
    Channel.SYSTEM: _("automatically"),
}

# What staff may look at: ``record_view(user, resident, what)`` writes "viewed_<what>".
VIEWS = {
    "profile": _("%(who)s looked at your name, phone number and address %(how)s."),
    "consents": _("%(who)s looked at the permissions you have given %(how)s."),
    "rides": _("%(who)s looked at your taxi rides %(how)s."),
    "appointments": _("%(who)s looked at your hospital appointments %(how)s."),
    "request": _("%(who)s looked at your request for help %(how)s."),
    "health_data": _("%(who)s looked at your health information %(how)s."),
    "location_history": _("%(who)s looked at the places you have been %(how)s."),
    "messages": _("%(who)s looked at a text or call we sent you %(how)s."),
    "applications": _("%(who)s looked at your application %(how)s."),
}

SENTENCES = {
    **{f"viewed_{what}": sentence for what, sentence in VIEWS.items()},
    "granted_consent": _(
        "%(who)s recorded your permission %(how)s: %(grantee)s may %(permission)s until %(until)s."
    ),
    "revoked_consent": _(
        "%(who)s withdrew your permission %(how)s: %(grantee)s may no longer %(permission)s."
    ),
    "booked_taxi": _("%(who)s booked a taxi for you %(how)s."),
    "cancelled_taxi": _("%(who)s cancelled your taxi %(how)s."),
    "booked_appointment": _("%(who)s booked a hospital appointment for you %(how)s."),
    "cancelled_appointment": _("%(who)s cancelled your hospital appointment %(how)s."),
    "opened_request": _("%(who)s wrote down your request for help %(how)s."),
    "closed_request": _("%(who)s closed your request for help %(how)s."),
    "changed_details": _("%(who)s changed your details %(how)s."),
    "saved_place": _("%(who)s saved the place %(place)s for you %(how)s."),
    "removed_place": _("%(who)s removed your saved place %(place)s %(how)s."),
    # Closing an account (portal.accounts.closing).
    "asked_to_close_account": _("%(who)s wrote down %(how)s that you asked to close your account."),
    "kept_account": _(
        "%(who)s wrote down %(how)s that you want to keep your account: it will not be closed."
    ),
    "closed_account": _("%(who)s closed your account %(how)s, as you asked."),
}

# When the resident did it themselves, where "%(who)s ... for you" would read badly.
OWN_SENTENCES = {
    "granted_consent": _(
        "You gave permission %(how)s: %(grantee)s may %(permission)s until %(until)s."
    ),
    "booked_taxi": _("You booked a taxi %(how)s."),
    "booked_appointment": _("You booked a hospital appointment %(how)s."),
    "opened_request": _("You asked for help %(how)s."),
    "changed_details": _("You changed your details %(how)s."),
    "saved_place": _("You saved the place %(place)s %(how)s."),
    "removed_place": _("You removed your saved place %(place)s %(how)s."),
    "asked_to_close_account": _("You asked to close your account %(how)s."),
    "kept_account": _("You chose to keep your account %(how)s: it will not be closed."),
}

# For an entry whose action has since lost its sentence: still say something true.
FALLBACK = _("%(who)s used your information %(how)s.")

# The permission, as words that follow "may" (and "may no longer").
PERMISSIONS = {
    Scope.TAXI: _("book taxis for you"),
    Scope.HOSPITAL: _("book hospital appointments for you"),
    Scope.SEE_APPOINTMENTS: _("see your appointments"),
    Scope.ASSISTED_REQUEST: _("act on your requests for help"),
    Scope.DETAILS: _("change your details"),
    Scope.HEALTH_DATA: _("see your health information"),
    Scope.LOCATION_HISTORY: _("see the places you have been"),
    Scope.SEE_MY_DATA: _("see and download everything the portal holds about you"),
}
ANYONE_ON_DUTY = _("the volunteer or counter staff member on duty who handles your request")

CONSENT_GIVEN = {
    GivenVia.WEB: _("You gave permission on the website on %(date)s."),
    GivenVia.PHONE_KEYPRESS: _("You gave permission with a key press on a phone call on %(date)s."),
    GivenVia.PHONE_SPOKEN: _("You gave permission on a phone call on %(date)s."),
    GivenVia.IN_PERSON_COUNTER: _("You gave permission in person on %(date)s."),
    GivenVia.SMS_REPLY: _("You gave permission by replying to a text message on %(date)s."),
}
# These entries describe the consent itself: no second sentence about it.
CONSENT_ACTIONS = {"granted_consent", "revoked_consent"}


def register_sentence(action, sentence, *, own=None):
    """Let ``action`` be recorded, shown with ``sentence`` (a ``gettext_lazy`` string).

    ``own`` is the sentence used when the resident did it themselves, if the general one
    would read badly then.
    """
    SENTENCES[action] = sentence
    if own is not None:
        OWN_SENTENCES[action] = own


def _role_label(role):
    if role in Role.values:
        return Role(role).label
    # Entries written before roles were codes hold the actor's group names then.
    for code in role_codes(name.strip() for name in role.split(",")):
        return Role(code).label
    return STAFF_LABEL


def _person(role, user):
    return gettext("%(role)s %(name)s") % {"role": _role_label(role), "name": user}


def _who(entry):
    if entry.actor_id is None:
        return gettext("The portal")
    if entry.actor_id == entry.resident_id:
        return gettext("You")
    return _person(entry.actor_role, entry.actor)


def _date(moment):
    return date_format(timezone.localtime(moment), "DATE_FORMAT")


class _Params(dict):
    """A missing detail renders as nothing rather than breaking the resident's page."""

    def __missing__(self, key):
        return ""


def describe(entry):
    """The entry as one plain sentence for the resident, in the active language."""
    own = entry.actor_id is not None and entry.actor_id == entry.resident_id
    template = (own and OWN_SENTENCES.get(entry.action)) or SENTENCES.get(entry.action, FALLBACK)
    params = _Params(entry.details or {})
    params["who"] = _who(entry)
    params["how"] = str(HOW.get(entry.channel, ""))
    consent = entry.consent
    if consent is not None:
        params["grantee"] = (
            _person(role_of(consent.grantee), consent.grantee)
            if consent.grantee
            else str(ANYONE_ON_DUTY)
        )
        params["permission"] = str(PERMISSIONS.get(consent.scope, consent.get_scope_display()))
        params["until"] = _date(consent.expires_at)
    return str(template) % params


def describe_consent(entry):
    """Which permission the action used, as a sentence, or "" when none or self-evident."""
    consent = entry.consent
    if consent is None or entry.action in CONSENT_ACTIONS:
        return ""
    return str(CONSENT_GIVEN[consent.given_via]) % {"date": _date(consent.created_at)}
