"""Digital-skills sessions at community centres, the places residents hold in them, who taught
them, and what each resident has learned.

A session has ``capacity`` places. A place is *booked* while one is free, else *waiting* (in
the order places were asked for, ``created_at`` then ``pk``); cancelling a booked place moves
the first waiting one up (``services.learning.api.cancel``). A resident holds at most one
place per session that is not cancelled.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.acting_record import ActingRecord


class Topic(models.TextChoices):
    """What a session teaches, and what a resident can say they learned. The first three are
    the portal's own services, so the practice runs can tell what was practised."""

    PORTAL = "portal", _("Using the portal")
    TAXI = "taxi", _("Calling a taxi")
    HOSPITAL = "hospital", _("Booking a hospital appointment")
    SCAM_CALLS = "scam_calls", _("Spotting scam calls")
    VIDEO_CALLS = "video_calls", _("Video calls with family")


class Session(models.Model):
    """One session at a centre: a topic taught at a time, in one language, to a few people."""

    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    centre = models.ForeignKey(
        "content.CommunityCentre",
        on_delete=models.PROTECT,
        related_name="learning_sessions",
        verbose_name=_("community service centre"),
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    room = models.CharField(
        _("room"),
        max_length=80,
        blank=True,
        help_text=_("Where in the centre, for example 2 楼活动室."),
    )
    capacity = models.PositiveSmallIntegerField(_("places"))
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="zh-hans"
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("learning session")
        verbose_name_plural = _("learning sessions")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="learning_session_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1), name="learning_session_has_a_place"
            ),
        ]

    def __str__(self):
        return f"{self.get_topic_display()} {self.starts_at:%Y-%m-%d %H:%M}"


class State(models.TextChoices):
    BOOKED = "booked", _("Booked")
    WAITING = "waiting", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")
    ATTENDED = "attended", _("Attended")


# A place in one of these states is the resident's one place in that session.
ACTIVE_STATES = (State.BOOKED, State.WAITING, State.ATTENDED)


class Place(ActingRecord):
    """One resident's place in one session (or in its waiting list), and how it was asked for."""

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="places", verbose_name=_("session")
    )
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="learning_places",
        verbose_name=_("resident"),
    )
    signed_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="learning_places_made",
        verbose_name=_("signed up by"),
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    # The waiting list's order: first asked, first to move up.
    created_at = models.DateTimeField(_("asked for at"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("place in a session")
        verbose_name_plural = _("places in sessions")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "resident"],
                condition=~Q(state="cancelled"),
                name="learning_one_place_per_resident_per_session",
            )
        ]
        indexes = [models.Index(fields=["session", "state", "created_at"])]

    def __str__(self):
        return f"{self.session} · {self.get_state_display()}"


class Teaching(models.Model):
    """Hours a volunteer taught at a session. ``volunteer`` is emptied when their account
    closes; the hours stay for the centre's figures."""

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="teaching", verbose_name=_("session")
    )
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="learning_teaching",
        verbose_name=_("volunteer"),
    )
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("teaching")
        verbose_name_plural = _("teaching")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "volunteer"], name="learning_one_teaching_per_volunteer"
            )
        ]


class How(models.TextChoices):
    PRACTICE = "practice", _("Practised on the portal")
    SESSION = "session", _("At a session")


class Learned(models.Model):
    """Something a resident learned: a topic, by practising it or at a session."""

    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="learned",
        verbose_name=_("resident"),
    )
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    how = models.CharField(_("how"), max_length=10, choices=How.choices)
    session = models.ForeignKey(
        Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("when"))

    class Meta:
        verbose_name = _("something learned")
        verbose_name_plural = _("things learned")
        ordering = ["-at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["resident", "session"],
                condition=Q(session__isnull=False),
                name="learning_learned_once_per_session",
            )
        ]
