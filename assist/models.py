"""Requests for help: one record per time a resident needs a person, from every channel.

A request is waiting until a volunteer or counter member of staff on duty takes it; the one who
takes it holds it under a lease (a few minutes to make first contact, renewed while working);
a lease that runs out puts it back, with the reason in its timeline. Closing needs an outcome.
The timeline (:class:`RequestEvent`) is append-only: who did what, when, with what note.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.channels import Channel


class Kind(models.TextChoices):
    CALL_BACK = "call_back", _("Call me back")
    NO_CAR = "no_car", _("No car came")
    BOOKING_REFUSED = "booking_refused", _("A booking could not be made")
    WALK_IN = "walk_in", _("At the counter")
    FOLLOW_UP = "follow_up", _("Follow up a poor rating")
    # A resident read a guide and asked a person to teach them (assist.teach).
    TEACH_ME = "teach_me", _("Teach me")
    # An application a resident sent (services.applications): the desk handles the case.
    APPLICATION = "application", _("Application")


class Topic(models.TextChoices):
    TAXI = "taxi", _("A taxi")
    HOSPITAL = "hospital", _("A hospital visit")
    OTHER = "other", _("Something else")


class State(models.TextChoices):
    WAITING = "waiting", _("Waiting for a person")
    HELD = "held", _("A person is helping")
    CLOSED = "closed", _("Closed")


class Outcome(models.TextChoices):
    DONE = "done", _("Done")
    UNREACHABLE = "unreachable", _("Resident unreachable after three tries")
    NOT_NEEDED = "not_needed", _("Not needed any more")
    PASSED_ON = "passed_on", _("Passed to another service")


class HelpRequest(models.Model):
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="help_requests",
        verbose_name=_("resident"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    topic = models.CharField(_("about"), max_length=10, choices=Topic.choices)
    channel = models.CharField(_("came through"), max_length=10, choices=Channel.choices)
    note = models.TextField(_("what it is about"), blank=True)
    # What the request is about, as the service named it ("ride:12"), if anything.
    about = models.CharField(_("record"), max_length=40, blank=True)
    # Copied from the resident when opened: the desk routes by them without reading the profile.
    street = models.ForeignKey(
        "areas.Street",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("street"),
    )
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    # An application's case: the service's label ("敬老卡"), and the centre the editor chose
    # to handle it (None: the city-wide queue). Offers go to those covering that centre first.
    label = models.CharField(_("case label"), max_length=30, blank=True)
    centre = models.ForeignKey(
        "content.CommunityCentre",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by centre"),
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opened by"),
        help_text=_("Empty when the resident or the portal opened it."),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.WAITING, db_index=True
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="held_requests",
        verbose_name=_("held by"),
    )
    lease_until = models.DateTimeField(_("held until"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now, db_index=True)
    call_after = models.DateTimeField(
        _("call after"), null=True, blank=True, help_text=_("Empty means as soon as possible.")
    )
    contact_due = models.DateTimeField(_("first contact due"))
    # When a person first took it (its first "taken" event), kept here for the figures.
    first_contact_at = models.DateTimeField(_("first contact"), null=True, editable=False)
    # Where the offers have got to (assist.offers), so each run looks only at what changes.
    offered_round = models.PositiveSmallIntegerField(default=0, editable=False)
    warn_at = models.DateTimeField(null=True, editable=False)
    warned = models.BooleanField(default=False, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    forgotten_at = models.DateTimeField(
        _("notes forgotten at"),
        null=True,
        blank=True,
        help_text=_("What was written about the resident was deleted then (ASSIST_KEEP_DAYS)."),
    )

    class Meta:
        verbose_name = _("request for help")
        verbose_name_plural = _("requests for help")
        ordering = ["opened_at", "pk"]
        indexes = [
            models.Index(fields=["state", "contact_due"]),
            # Who was helped soon after they started or were turned away (supervision).
            models.Index(fields=["resident", "opened_at"], name="request_resident_opened"),
        ]
        constraints = [
            # Held means one holder with a lease; waiting and closed mean nobody holds it.
            models.CheckConstraint(
                condition=(
                    models.Q(state="held", holder__isnull=False, lease_until__isnull=False)
                    | (
                        ~models.Q(state="held")
                        & models.Q(holder__isnull=True, lease_until__isnull=True)
                    )
                ),
                name="held_means_one_holder",
            )
        ]

    def __str__(self):
        return f"{self.reference} · {self.get_kind_display()} · {self.get_state_display()}"

    @property
    def reference(self):
        """How services and consents name this request: ``request:<id>``."""
        return f"request:{self.pk}"

    @property
    def kind_words(self):
        """What the desk calls it: its kind, with the case label when it has one
        ("Application: 敬老卡")."""
        if self.label:
            return _("%(kind)s: %(label)s") % {"kind": self.get_kind_display(), "label": self.label}
        return self.get_kind_display()


class RequestEvent(models.Model):
    """One line of a request's timeline. Rows are only ever added."""

    class What(models.TextChoices):
        OPENED = "opened", _("Opened")
        TAKEN = "taken", _("Taken")
        RENEWED = "renewed", _("Still working on it")
        RELEASED = "released", _("Given back")
        LEASE_ENDED = "lease_ended", _("Given back: the time to call ran out")
        NOTE = "note", _("Note")
        DONE = "done", _("Done for the resident")
        NO_ANSWER = "no_answer", _("Called: no answer")
        DUE_SOON = "due_soon", _("Nobody has called yet: the time to call is nearly up")
        ESCALATED = "escalated", _("Nobody called in time: passed to the supervisors")
        CONSENT = "consent", _("Permission recorded")
        CLOSED = "closed", _("Closed")

    request = models.ForeignKey(HelpRequest, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    what = models.CharField(max_length=12, choices=What.choices)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("request event")
        verbose_name_plural = _("request events")
        # The supervisor's figures count escalations (and other events) in a period.
        indexes = [models.Index(fields=["what", "at"], name="request_event_what_at")]


class CalendarDay(models.Model):
    """A day that is not what the calendar library says, or that it does not know yet.

    The State Council publishes next year's public holidays and make-up working days (调休) in
    November or December; until the library has them, administrators enter them here. A row
    here always wins over the library.
    """

    day = models.DateField(_("day"), unique=True)
    is_workday = models.BooleanField(
        _("a working day"), help_text=_("Ticked for a make-up working day, empty for a holiday.")
    )
    name = models.CharField(_("name"), max_length=40, blank=True, help_text=_("For example 春节."))

    class Meta:
        ordering = ["day"]
        verbose_name = _("holiday or make-up working day")
        verbose_name_plural = _("holidays and make-up working days")

    def __str__(self):
        return f"{self.day} {self.name}"


class Offer(models.Model):
    """A request shown to one person as theirs to take: who, when, in which round.

    Round 1: people on duty who cover the resident's street and speak their language; round 2:
    everyone on duty; round 3: the supervisors, once the time to call has passed.
    """

    request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="offers")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="help_offers"
    )
    round = models.PositiveSmallIntegerField()
    offered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["request", "person"], name="one_offer_per_person")
        ]


class Summary(models.Model):
    """One text message telling a person on duty what waits for them (at most one per
    ``ASSIST_SUMMARY_MINUTES``, so offers never use up a phone's share of the outbox)."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="desk_summaries"
    )
    sent_at = models.DateTimeField(default=timezone.now, db_index=True)
    waiting = models.PositiveIntegerField()


# ---------------------------------------------------------------------------------------------
# Texts to the portal's number (``assist.phone.sms``)


class InboundText(models.Model):
    """One text message sent to the portal's number, as Twilio posted it, and the reply given.

    Twilio may post the same message again (a retried webhook): ``message_sid`` is unique, so
    the second post finds this row, changes nothing and answers with the same ``reply``.
    Deleted with the resident's account: the audit log, not this, is the record of what was done.
    """

    class Command(models.TextChoices):
        TAXI = "taxi", _("A taxi from home now")
        CANCEL = "cancel", _("Cancel the taxi")
        STATUS = "status", _("Where things are")
        HELP = "help", _("A person, please")
        STOP = "stop", _("No more messages")
        START = "start", _("Messages again")
        CLASS = "class", _("Digital-skills classes")
        DROP_CLASS = "drop_class", _("Cancel a place in a class")
        ANSWER = "answer", _("An answer to a question")
        UNKNOWN = "unknown", _("Not understood")

    message_sid = models.CharField(_("Twilio's message id"), max_length=64, unique=True)
    from_number = models.CharField(_("from"), max_length=32)
    body = models.TextField(_("text"), blank=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resident"),
        help_text=_("Empty when the number is not a registered resident's."),
    )
    command = models.CharField(
        _("understood as"), max_length=10, choices=Command.choices, blank=True
    )
    reply = models.TextField(_("reply"), blank=True)

    class Meta:
        ordering = ["received_at", "pk"]
        verbose_name = _("text received")
        verbose_name_plural = _("texts received")

    def __str__(self):
        return f"{self.message_sid} · {self.command}"


class TextQuestion(models.Model):
    """A question the portal asked a resident by text, which a reply of one digit answers.

    Only the newest question can be answered: asking a new one ends those before it, so a
    second "1" meant for a taxi never answers an older rating question. Each runs out at
    ``expires_at``; one answer each (``answered_at`` is set by one conditional update).
    """

    class What(models.TextChoices):
        TAXI_NOW = "taxi_now", _("A taxi from home now?")
        RATING = "rating", _("How satisfied were you?")
        CLASS = "class", _("Which class to sign up for?")
        DROP_CLASS = "drop_class", _("Which place in a class to cancel?")

    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="text_questions",
        verbose_name=_("resident"),
    )
    what = models.CharField(_("question"), max_length=10, choices=What.choices)
    # What the question is about, as a reference ("request:42" for a rating), if anything.
    about = models.CharField(_("about"), max_length=40, blank=True)
    # What each digit picks, in the order the question listed them (class sessions' ids), so
    # the answer means what the resident read even if the list has changed since.
    listed = models.JSONField(_("listed"), default=list, blank=True)
    asked_at = models.DateTimeField(_("asked at"), default=timezone.now)
    expires_at = models.DateTimeField(_("runs out at"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answer = models.CharField(_("answer"), max_length=2, blank=True)

    class Meta:
        ordering = ["asked_at", "pk"]
        indexes = [models.Index(fields=["resident", "expires_at"], name="text_question_open")]
        verbose_name = _("question asked by text")
        verbose_name_plural = _("questions asked by text")

    def __str__(self):
        return f"{self.get_what_display()} · {self.resident_id}"
