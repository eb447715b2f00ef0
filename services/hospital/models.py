"""Hospital booking: hospitals (with their booking rules as data), departments, doctors, the
sessions patients book, the weekly template sessions are made from, and appointments.

The rules vary per hospital, so they are fields an editor changes in the admin, not code.
A session's ``booked`` counts its live appointments; only ``services.hospital.api`` changes it,
under a conditional update, so it never goes over ``capacity`` (a check constraint says so too).
An appointment's status only moves forward (:func:`may_move`).
"""

import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from portal.acting_record import ActingRecord
from services.hospital.identity import clean_id_number, id_number_hashes


def _english():
    return (get_language() or "").lower().startswith("en")


def _in_language(chinese, english):
    """The English text when the page is in English and it exists, else the Chinese."""
    return english if _english() and english else chinese


class Hospital(models.Model):
    """A hospital residents can book at, with its own booking rules."""

    PROVIDER_CHOICES = [
        ("", _("The portal's own timetable (default)")),
        ("builtin", _("The portal's own timetable")),
        ("external", _("The hospital's own booking system")),
    ]

    name = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    district = models.CharField(_("district"), max_length=40)
    address = models.CharField(_("address (Chinese)"), max_length=200)
    address_en = models.CharField(_("address (English)"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    what_to_bring = models.CharField(
        _("what to bring (Chinese)"),
        max_length=200,
        blank=True,
        help_text=_("For example 身份证、医保卡. Sent with every confirmation."),
    )
    what_to_bring_en = models.CharField(_("what to bring (English)"), max_length=200, blank=True)

    booking_days_ahead = models.PositiveSmallIntegerField(
        _("days ahead booking opens"),
        default=7,
        validators=[MinValueValidator(0), MaxValueValidator(90)],
        help_text=_("A day can be booked from this many days before it."),
    )
    release_hour = models.PositiveSmallIntegerField(
        _("hour new days open"),
        default=8,
        validators=[MaxValueValidator(23)],
        help_text=_("A new day's places open at this hour (Shanghai time)."),
    )
    cancel_deadline_hour = models.PositiveSmallIntegerField(
        _("cancelling closes at (the day before)"),
        default=18,
        validators=[MaxValueValidator(23)],
        help_text=_("Cancelling is possible until this hour on the day before the visit."),
    )
    max_per_day = models.PositiveSmallIntegerField(
        _("most appointments a day per patient"), default=2, validators=[MinValueValidator(1)]
    )
    max_per_week_per_department = models.PositiveSmallIntegerField(
        _("most appointments in 7 days per patient and department"),
        default=3,
        validators=[MinValueValidator(1)],
    )
    no_show_limit = models.PositiveSmallIntegerField(
        _("missed visits before a suspension"), default=3, validators=[MinValueValidator(1)]
    )
    no_show_window_days = models.PositiveSmallIntegerField(
        _("days in which missed visits count"), default=90, validators=[MinValueValidator(1)]
    )
    suspension_days = models.PositiveSmallIntegerField(
        _("days of suspension"), default=90, validators=[MinValueValidator(0)]
    )
    provider = models.CharField(
        _("where bookings go"),
        max_length=20,
        blank=True,
        default="",
        choices=PROVIDER_CHOICES,
        help_text=_("Empty uses the portal's setting."),
    )
    external_code = models.CharField(
        _("code in the hospital's system"),
        max_length=40,
        blank=True,
        help_text=_("Only for a hospital with its own booking system."),
    )
    active = models.BooleanField(_("open for booking"), default=True)

    class Meta:
        verbose_name = _("hospital")
        verbose_name_plural = _("hospitals")
        ordering = ["district", "name"]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        return _in_language(self.name, self.name_en)

    @property
    def display_address(self):
        return _in_language(self.address, self.address_en)

    @property
    def display_what_to_bring(self):
        return _in_language(self.what_to_bring, self.what_to_bring_en)


class Department(models.Model):
    """A department of a hospital, with plain words for what it treats."""

    hospital = models.ForeignKey(
        Hospital, on_delete=models.CASCADE, related_name="departments", verbose_name=_("hospital")
    )
    name = models.CharField(_("name (Chinese)"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=60, blank=True)
    description = models.CharField(
        _("what it treats (Chinese)"),
        max_length=200,
        blank=True,
        help_text=_("Plain words, for example 发烧、咳嗽、血压高、胃不舒服."),
    )
    description_en = models.CharField(_("what it treats (English)"), max_length=200, blank=True)
    external_code = models.CharField(_("code in the hospital's system"), max_length=40, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["hospital", "sort_order", "name"]

    def __str__(self):
        return f"{self.hospital.display_name} · {self.display_name}"

    @property
    def display_name(self):
        return _in_language(self.name, self.name_en)

    @property
    def display_description(self):
        return _in_language(self.description, self.description_en)


class Doctor(models.Model):
    """A doctor who sees patients in a department."""

    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="doctors", verbose_name=_("department")
    )
    name = models.CharField(_("name"), max_length=40)
    title = models.CharField(
        pgettext_lazy("a doctor's title", "title"),
        max_length=40,
        blank=True,
        help_text=_("For example 主任医师."),
    )

    class Meta:
        verbose_name = _("doctor")
        verbose_name_plural = _("doctors")
        ordering = ["department", "name"]

    def __str__(self):
        return f"{self.name} {self.title}".strip()


class Period(models.TextChoices):
    MORNING = "morning", _("Morning")
    AFTERNOON = "afternoon", _("Afternoon")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


def _check_times(starts_at, ends_at):
    if starts_at and ends_at and ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The end must be after the start.")})


def _check_doctor(doctor, department_id):
    if doctor is not None and department_id and doctor.department_id != department_id:
        raise ValidationError({"doctor": _("This doctor works in another department.")})


class WeeklySchedule(models.Model):
    """One line of a department's weekly timetable; sessions are generated from these."""

    department = models.ForeignKey(
        Department,
        on_delete=models.CASCADE,
        related_name="weekly_schedule",
        verbose_name=_("department"),
    )
    doctor = models.ForeignKey(
        Doctor,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="weekly_schedule",
        verbose_name=_("doctor"),
    )
    weekday = models.PositiveSmallIntegerField(_("day of the week"), choices=Weekday.choices)
    period = models.CharField(_("morning or afternoon"), max_length=10, choices=Period.choices)
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"))
    capacity = models.PositiveSmallIntegerField(
        _("places"), default=20, validators=[MinValueValidator(1)]
    )
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("weekly timetable line")
        verbose_name_plural = _("weekly timetable")
        ordering = ["department", "weekday", "starts_at"]

    def __str__(self):
        return f"{self.department} · {self.get_weekday_display()} {self.get_period_display()}"

    def clean(self):
        _check_times(self.starts_at, self.ends_at)
        _check_doctor(self.doctor, self.department_id)


class Session(models.Model):
    """A morning or afternoon a department (or one doctor) sees a number of patients."""

    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("department")
    )
    doctor = models.ForeignKey(
        Doctor,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name=_("doctor"),
    )
    date = models.DateField(_("date"), db_index=True)
    period = models.CharField(_("morning or afternoon"), max_length=10, choices=Period.choices)
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"))
    capacity = models.PositiveSmallIntegerField(_("places"), validators=[MinValueValidator(0)])
    booked = models.PositiveSmallIntegerField(
        _("places taken"),
        default=0,
        editable=False,
        help_text=_("Live appointments. Kept by the portal; never more than the places."),
    )
    open = models.BooleanField(
        _("open for booking"),
        default=True,
        help_text=_("Untick to stop new bookings, for example when the doctor is away."),
    )

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["date", "starts_at", "department"]
        constraints = [
            models.CheckConstraint(
                condition=Q(booked__gte=0) & Q(booked__lte=F("capacity")),
                name="hospital_session_never_overbooked",
            ),
            # One session per department, doctor, day and period, so generating is idempotent.
            models.UniqueConstraint(
                fields=["department", "doctor", "date", "period"],
                name="hospital_session_once_with_doctor",
            ),
            models.UniqueConstraint(
                fields=["department", "date", "period"],
                condition=Q(doctor__isnull=True),
                name="hospital_session_once_without_doctor",
            ),
        ]

    def __str__(self):
        return f"{self.department} · {self.date} {self.get_period_display()}"

    def save(self, *args, **kwargs):
        # ``booked`` changes only through the booking api's conditional updates. An edit saved
        # from an older copy (an editor's form, opened before someone booked) must not write
        # its stale count back over the real one.
        if self.pk and not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.attname
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name != "booked"
            ]
        super().save(*args, **kwargs)

    def clean(self):
        _check_times(self.starts_at, self.ends_at)
        if self.capacity is not None and self.capacity < self.booked:
            raise ValidationError(
                {
                    "capacity": _(
                        "%(booked)s places are already taken: the session needs at least that many."
                    )
                    % {"booked": self.booked}
                }
            )
        _check_doctor(self.doctor, self.department_id)

    @property
    def free_places(self):
        return max(0, self.capacity - self.booked)

    @property
    def hospital(self):
        return self.department.hospital

    def starts(self):
        """When the session starts, as an aware datetime (Shanghai time)."""
        return _local(self.date, self.starts_at)

    def ends(self):
        """When the session ends, as an aware datetime (Shanghai time)."""
        return _local(self.date, self.ends_at)


def _local(day, time):
    return timezone.make_aware(datetime.datetime.combine(day, time))


class PatientIdentity(models.Model):
    """A patient's real name and ID number, kept only masked (and the number as a keyed hash).

    The hospital checks the real card at the counter; the portal never needs the full number
    again, so it never keeps it. The hash (``v<key version>$<hex>``, see
    ``services/hospital/identity.py``) is for matching a number typed again, and never leaves
    the portal: hospitals' systems know the patient by ``external_id``, a random id made once.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="patient_identity",
        verbose_name=_("person"),
    )
    real_name_masked = models.CharField(_("real name (masked)"), max_length=40)
    id_number_masked = models.CharField(_("ID number (masked)"), max_length=18)
    id_number_hash = models.CharField(
        _("ID number fingerprint"), max_length=80, db_index=True, editable=False
    )
    # How hospitals' own systems know the patient: random, made once, kept when the name or
    # number is saved again; never derived from the ID number (nor its hash).
    external_id = models.UUIDField(
        _("patient id for hospital systems"), default=uuid.uuid4, unique=True, editable=False
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("patient identity")
        verbose_name_plural = _("patient identities")

    def __str__(self):
        return f"{self.real_name_masked} {self.id_number_masked}"

    @classmethod
    def with_id_number(cls, id_number):
        """The identities kept for ``id_number`` (any spelling ``clean_id_number`` accepts; it
        raises ``ValidationError`` for one that cannot be right), as a list.

        Each key in ``IDENTITY_HASH_KEYS`` is tried, then the version-0 hash; a match made
        with an older key is hashed again with the newest one.
        """
        hashes = id_number_hashes(clean_id_number(id_number))
        found = list(cls.objects.filter(id_number_hash__in=hashes).order_by("pk"))
        for identity in found:
            identity._hash_with_newest_key(hashes[0])
        return found

    def matches_id_number(self, id_number):
        """True if ``id_number`` is this identity's number (False for one that cannot be right).

        A match on an older key's hash is hashed again with the newest key.
        """
        try:
            hashes = id_number_hashes(clean_id_number(id_number))
        except ValidationError:
            return False
        if self.id_number_hash not in hashes:
            return False
        self._hash_with_newest_key(hashes[0])
        return True

    def _hash_with_newest_key(self, newest):
        if self.id_number_hash == newest:
            return
        # Only if nobody saved a new number in between; not a change the person made, so
        # ``updated_at`` stays.
        PatientIdentity.objects.filter(pk=self.pk, id_number_hash=self.id_number_hash).update(
            id_number_hash=newest
        )
        self.id_number_hash = newest


class Status(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CHECKED_IN = "checked_in", _("Checked in")
    COMPLETED = "completed", _("Seen by the doctor")
    CANCELLED = "cancelled", _("Cancelled")
    MISSED = "missed", _("Missed")


# Live appointments hold a place in their session.
LIVE_STATUSES = (Status.BOOKED, Status.CHECKED_IN)
# Appointments that count towards a patient's quotas (a cancelled one gave its place back).
COUNTED_STATUSES = (Status.BOOKED, Status.CHECKED_IN, Status.COMPLETED, Status.MISSED)

ALLOWED = {
    Status.BOOKED: {Status.CHECKED_IN, Status.CANCELLED, Status.MISSED},
    Status.CHECKED_IN: {Status.COMPLETED},
    Status.COMPLETED: set(),
    Status.CANCELLED: set(),
    Status.MISSED: set(),
}


def may_move(current, new):
    """True if an appointment in ``current`` may move to ``new`` (only forward)."""
    return Status(new) in ALLOWED[Status(current)]


class Appointment(ActingRecord):
    """One patient's place in one session, booked by them or by a helper with consent."""

    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("session")
    )
    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="hospital_appointments",
        verbose_name=_("patient"),
    )
    patient_name_masked = models.CharField(_("patient's name (masked)"), max_length=40)
    patient_id_masked = models.CharField(_("patient's ID number (masked)"), max_length=18)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="hospital_appointments_booked",
        verbose_name=_("booked by"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.BOOKED, db_index=True
    )
    code = models.CharField(_("confirmation code"), max_length=8, unique=True)
    idempotency_key = models.CharField(
        _("idempotency key"), max_length=80, unique=True, editable=False
    )
    provider = models.CharField(_("booking system"), max_length=20, blank=True)
    provider_booking_id = models.CharField(
        _("booking id in the hospital's system"), max_length=80, blank=True
    )
    created_at = models.DateTimeField(_("booked at"), default=timezone.now, db_index=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "patient"],
                condition=Q(status__in=["booked", "checked_in"]),
                name="hospital_one_live_appointment_per_session",
            ),
        ]
        indexes = [
            models.Index(fields=["patient", "status"]),
            # Who booked soon after they started or were turned away (supervision).
            models.Index(fields=["patient", "created_at"], name="appointment_patient_created"),
        ]

    def __str__(self):
        return f"{self.code} {self.patient_name_masked} ({self.get_status_display()})"

    @property
    def is_live(self):
        return self.status in LIVE_STATUSES
