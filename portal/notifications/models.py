"""The outbox: every SMS or call is a row before it is a task, so nothing is lost."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.accounts.phone import masked_phone, validate_e164

# What a one-time secret (a sign-in code) looks like in the stored text staff can read.
SECRET_MASK = "••••••"  # noqa: S105 - a mask, not a secret


class Medium(models.TextChoices):
    """How a message travels to the person: a text message, or a call that speaks it.

    Not a *channel*: that is how the resident reached the portal, a word of the audit log.
    """

    SMS = "sms", _("SMS")
    VOICE = "voice", _("Voice call")


class Purpose(models.TextChoices):
    SIGN_IN_CODE = "sign_in_code", _("Sign-in code")
    TAXI = "taxi", _("Taxi")
    HOSPITAL = "hospital", _("Hospital booking")
    ASSIST = "assist", _("Assisted request")
    REMINDER = "reminder", _("Reminder")
    WELCOME = "welcome", _("Welcome")


class Status(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    UNDELIVERED = "undelivered", _("Not delivered")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


# A status only moves to a higher rank; the final ones share the top rank.
STATUS_RANK = {
    Status.QUEUED: 0,
    Status.SENDING: 1,
    Status.SENT: 2,
    Status.DELIVERED: 3,
    Status.UNDELIVERED: 3,
    Status.FAILED: 3,
    Status.CANCELLED: 3,
}
FINAL_STATUSES = [status for status, rank in STATUS_RANK.items() if rank == 3]

# Our own reasons for not sending, in words for staff (provider codes come from the backend).
ERROR_WORDS = {
    "duplicate": _("the same text went to this number a few minutes ago"),
    "recipient_cap": _("too many messages to this number this hour"),
    "total_cap": _("the portal's hourly limit was reached"),
    "codes_cap": _("the portal's hourly limit for sign-in codes was reached"),
    "expired": _("the code ran out of time before it could be sent"),
    "opted_out": _("the person asked for no more messages (STOP)"),
    "network": _("could not reach the provider"),
    "21211": _("not a valid phone number"),
    "21610": _("the person has opted out of messages"),
    "21614": _("not a mobile number: use a voice call"),
    "30006": _("a landline or unreachable network: use a voice call"),
}


class Message(models.Model):
    """One SMS or voice call to one person, from the event that caused it to its final status."""

    medium = models.CharField(_("medium"), max_length=8, choices=Medium.choices)
    recipient = models.CharField(_("recipient"), max_length=16, help_text=_("E.164 number."))
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    template = models.CharField(_("template"), max_length=40)
    language = models.CharField(_("language"), max_length=10)
    body = models.TextField(
        _("text"), help_text=_("One-time codes show as ••••••; the person received the code.")
    )
    # The one-time secret the text carries in place of the mask, until delivered or expired.
    # Never shown in the admin, exports or logs.
    secret = models.CharField(max_length=32, blank=True, editable=False)
    secret_until = models.DateTimeField(null=True, blank=True, editable=False)
    urgent = models.BooleanField(
        _("urgent"), default=False, help_text=_("Sent on the urgent queue, even in quiet hours.")
    )
    # A call that asks something (a rating by key): Twilio fetches its TwiML here instead of
    # reading ``body`` out. The body is still what staff see.
    answer_url = models.URLField(_("where the call's answers go"), max_length=300, blank=True)

    related_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL)
    related_id = models.CharField(max_length=40, blank=True)
    related = GenericForeignKey("related_type", "related_id")

    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.QUEUED
    )
    provider = models.CharField(_("provider"), max_length=40, blank=True)
    provider_id = models.CharField(
        _("provider's id"), max_length=64, null=True, blank=True, unique=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error_code = models.CharField(_("error code"), max_length=20, blank=True)
    error_permanent = models.BooleanField(_("error is permanent"), null=True)
    error_message = models.CharField(_("error"), max_length=255, blank=True)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    not_before = models.DateTimeField(
        _("not before"), help_text=_("Quiet hours and retries wait until this time.")
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "not_before"], name="outbox_due"),
            models.Index(fields=["recipient", "created_at"], name="outbox_recipient"),
            # The hourly total cap counts the last hour's rows on every send.
            models.Index(fields=["created_at"], name="outbox_created"),
        ]

    def __str__(self):
        # The name the admin gives the row everywhere (menus, labels): never the full number.
        medium, status = self.get_medium_display(), self.get_status_display()
        return f"{medium} {masked_phone(self.recipient)} {status}"

    def text_to_send(self):
        """The text the person receives: the stored text with the secret in place of the mask."""
        if self.secret:
            return self.body.replace(SECRET_MASK, self.secret)
        return self.body

    @property
    def needs_secret(self):
        return SECRET_MASK in self.body

    def error_in_words(self):
        """The last error as staff can read it: what happened and whether a retry helps."""
        if not self.error_code and not self.error_message:
            return ""
        meaning = ERROR_WORDS.get(self.error_code) or self.error_message or self.error_code
        kind = _("permanent") if self.error_permanent else _("temporary")
        return f"{meaning} ({self.error_code}, {kind})"

    error_in_words.short_description = _("error")


class OptOut(models.Model):
    """A phone number that asked for no more messages (STOP, 退订): only sign-in codes go to it.

    It covers texts and calls from the outbox alike: the person asked the portal to stop, not
    one medium. Texting START (订阅) deletes the row. Twilio keeps a list of its own and refuses
    to deliver after STOP (error 21610); this one stops the outbox before it asks Twilio, and
    works the same with any other SMS vendor.
    """

    class Source(models.TextChoices):
        SMS = "sms", _("The person texted STOP")
        PROVIDER = "provider", _("The SMS provider reported it (21610)")

    phone = models.CharField(
        _("phone number"), max_length=16, unique=True, validators=[validate_e164]
    )
    since = models.DateTimeField(_("since"), default=timezone.now)
    source = models.CharField(_("how we learnt it"), max_length=10, choices=Source.choices)

    class Meta:
        ordering = ["-since", "-pk"]
        verbose_name = _("number that opted out")
        verbose_name_plural = _("numbers that opted out")

    def __str__(self):
        return masked_phone(self.phone)
