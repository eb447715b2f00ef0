"""Consent: a resident's permission for someone to act for them, for one kind of thing, for a time.

A consent is never edited into something else: it is given, it runs out at ``expires_at``, or
the resident takes it back (``revoked_at``). To change it, revoke it and grant a new one, so the
audit log always points at the permission that was in force when something was done.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    """What the permission covers. Each sensitive kind of data under PIPL has a scope of its own."""

    TAXI = "taxi", _("Book taxis")
    HOSPITAL = "hospital", _("Book hospital appointments")
    SEE_APPOINTMENTS = "see_appointments", _("See appointments")
    ASSISTED_REQUEST = "assisted_request", _("Act on requests for help")
    APPLY = "apply", _("Apply for services for me (such as the elderly card or meal delivery)")
    DETAILS = "details", _("Change my details (address, places, how to reach me)")
    HEALTH_DATA = "health_data", _("See health information (sensitive)")
    LOCATION_HISTORY = "location_history", _("See places visited (sensitive)")
    # Everything on the resident's "My data" page: rides and appointments included. A scope of
    # its own, asked for by name, so it is never given as part of another.
    SEE_MY_DATA = "see_my_data", _("See everything the portal holds about me, and download it")


# Sensitive personal information under PIPL art. 28: never covered by a broader scope.
SENSITIVE_SCOPES = frozenset({Scope.HEALTH_DATA, Scope.LOCATION_HISTORY})


class GivenVia(models.TextChoices):
    """How the resident said yes."""

    WEB = "web", _("On the website")
    PHONE_KEYPRESS = "phone_keypress", _("A key press on a phone call")
    PHONE_SPOKEN = "phone_spoken", _("Said on a phone call")
    IN_PERSON_COUNTER = "in_person_counter", _("Signed in person at a counter")
    SMS_REPLY = "sms_reply", _("A reply to a text message")


# Ways of saying yes that someone else types in: the consent must say who recorded it.
RECORDED_BY_SOMEONE = frozenset({GivenVia.PHONE_SPOKEN, GivenVia.IN_PERSON_COUNTER})


class ConsentQuerySet(models.QuerySet):
    def in_force(self):
        """The consents not withdrawn and not yet run out: the ones that let someone act."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class Consent(models.Model):
    """One resident's permission for one scope, to one named person or to whoever is on duty."""

    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="consents_given",
        verbose_name=_("resident"),
    )
    grantee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="consents_held",
        null=True,
        blank=True,
        verbose_name=_("who may act"),
        help_text=_(
            "Empty means whoever is on duty and holds the request named below for the resident."
        ),
    )
    reference = models.CharField(
        _("for the request"),
        max_length=40,
        blank=True,
        help_text=_(
            'The open request this permission belongs to, for example "request:42"; it is '
            "only good for the person handling that request."
        ),
    )
    scope = models.CharField(_("what it covers"), max_length=24, choices=Scope.choices)
    given_via = models.CharField(_("how it was given"), max_length=20, choices=GivenVia.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="consents_recorded",
        null=True,
        blank=True,
        verbose_name=_("recorded by"),
        help_text=_("Who typed it in. Empty when the resident gave it themselves."),
    )
    created_at = models.DateTimeField(_("given at"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(
        _("valid until"), help_text=_("No longer valid from this moment on.")
    )
    revoked_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["resident", "scope", "expires_at"])]
        constraints = [
            # A consent names a person, or the request whose holder may act: never nobody.
            models.CheckConstraint(
                condition=models.Q(grantee__isnull=False) | ~models.Q(reference=""),
                name="consent_names_someone",
            )
        ]

    def __str__(self):
        return f"{self.resident} · {self.get_scope_display()} · {self.grantee or self.reference}"

    @property
    def is_sensitive(self):
        return self.scope in SENSITIVE_SCOPES

    def is_valid(self, at=None):
        """True while not withdrawn and ``at`` (default now) is before ``expires_at``."""
        at = at or timezone.now()
        return self.revoked_at is None and at < self.expires_at
