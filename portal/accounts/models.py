"""The user model: residents (known by phone number) and staff (known by username)."""

import hmac

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django_otp.models import ThrottlingMixin

from portal.accounts.phone import normalize_phone, validate_e164
from portal.channels import Channel
from portal.design.display import CONTRASTS, TEXT_SIZES


class PortalUserManager(UserManager):
    def create_resident(self, phone, **fields):
        """Create a resident who signs in with a code sent to ``phone``.

        Residents never have a password; their username is their E.164 number
        so staff tools that search usernames also find them.
        """
        phone = normalize_phone(phone)
        user = self.model(username=phone, phone=phone, **fields)
        user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user


class User(AbstractUser):
    """Anyone who signs in: a resident, a family member, or staff.

    What a person may do comes from their groups (volunteer, counter staff,
    supervisor, editor, administrator); a resident belongs to none.
    """

    phone = models.CharField(
        _("phone number"),
        max_length=16,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_e164],
        help_text=_("In international form, for example +8613800138000."),
    )
    preferred_name = models.CharField(
        _("how to address me"),
        max_length=40,
        blank=True,
        help_text=_("For example 王阿姨 or Mr Li. Shown on pages and used in messages."),
    )

    home_address = models.CharField(
        _("home address"),
        max_length=200,
        blank=True,
        help_text=_("Where a taxi picks you up. A landmark helps the driver."),
    )
    # The structured part of the address: the desk routes requests and supervisors count by it;
    # the free-text address above stays for drivers.
    street = models.ForeignKey(
        "areas.Street",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="residents",
        verbose_name=_("street"),
        help_text=_("The street office area you live in. It decides which centre helps you."),
    )

    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="zh-hans"
    )
    text_size = models.CharField(
        _("text size"),
        max_length=10,
        choices=[(k, v) for k, v in TEXT_SIZES.items()],
        default="standard",
    )
    contrast = models.CharField(
        _("colours"),
        max_length=10,
        choices=[(k, v) for k, v in CONTRASTS.items()],
        default="normal",
    )
    notify_by = models.CharField(
        _("how to tell me things"),
        max_length=8,
        choices=[("sms", _("Text message (SMS)")), ("voice", _("A phone call that speaks"))],
        default="sms",
    )
    needs_wheelchair = models.BooleanField(_("I use a wheelchair"), default=False)
    needs_hearing = models.BooleanField(_("I do not hear well: please send texts"), default=False)
    needs_boarding_help = models.BooleanField(_("I need help getting into a car"), default=False)
    # Like the telecom lines for callers over 65: no menu, a person at once.
    phone_straight_to_person = models.BooleanField(
        _("When I call the hotline, put me straight through to a person"), default=False
    )
    emergency_name = models.CharField(_("emergency contact's name"), max_length=40, blank=True)
    emergency_phone = models.CharField(
        _("emergency contact's phone"), max_length=16, blank=True, validators=[validate_e164]
    )

    objects = PortalUserManager()

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    @property
    def is_resident(self):
        return self.phone is not None and not self.is_staff

    def __str__(self):
        return self.preferred_name or self.get_full_name() or self.username


class _AlwaysAllowed(models.Model):
    """What django-otp's ``ThrottlingMixin`` asks of the class below it."""

    class Meta:
        abstract = True

    def verify_is_allowed(self):
        return True, None


class SignInCode(ThrottlingMixin, _AlwaysAllowed):
    """One 6-digit code, for one sign-in attempt (one browser session), to one phone.

    Codes belong to the attempt that asked for them, not to the person: a stranger who knows
    a resident's number can ask for codes and guess at them, and only slows down their own
    attempt. ``ThrottlingMixin`` (django-otp) makes each wrong guess at this code wait
    longer (1, 2, 4 ... seconds); 5 wrong guesses end it. Only a hash of the code is kept:
    the text to send lives in the outbox until it is delivered.
    """

    phone = models.CharField(
        max_length=16, help_text=_("The resident's number the code signs in as.")
    )
    sent_to = models.CharField(max_length=16, help_text=_("Where the code went."))
    attempt = models.CharField(max_length=64, unique=True)
    client = models.CharField(
        max_length=64, blank=True, help_text=_("The network address that asked for it.")
    )
    code_hash = models.CharField(max_length=64, blank=True)
    valid_until = models.DateTimeField()
    wrong_tries = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("sign-in code")
        verbose_name_plural = _("sign-in codes")
        indexes = [
            models.Index(fields=["phone", "created_at"], name="signin_code_phone"),
            models.Index(fields=["client", "created_at"], name="signin_code_client"),
        ]

    def get_throttle_factor(self):
        return settings.SIGNIN_THROTTLE_FACTOR

    @staticmethod
    def hash(code):
        return salted_hmac("portal.accounts.SignInCode", code, algorithm="sha256").hexdigest()

    def matches(self, code):
        """Constant-time check of ``code`` (ASCII digits) against the hash."""
        return bool(self.code_hash) and hmac.compare_digest(self.hash(code), self.code_hash)


class Enrolment(models.Model):
    """A resident registered in person at a counter, after staff checked who they are.

    Keeps who checked and how, so the record can be trusted later (NIST: SMS is a
    restricted authenticator; an in-person check is the way in without one).
    """

    class Check(models.TextChoices):
        ID_CARD = "id_card", _("Resident ID card seen")
        HOUSEHOLD = "household_register", _("Household register (户口本) seen")
        PASSPORT = "passport", _("Passport or travel permit seen")
        KNOWN = "known_personally", _("Known personally to the staff member")

    resident = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="enrolment"
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="enrolments_checked"
    )
    checked_how = models.CharField(
        _("how identity was checked"), max_length=24, choices=Check.choices
    )
    landline_only = models.BooleanField(_("landline only: codes come by voice call"), default=False)
    created_at = models.DateTimeField(_("enrolled at"), auto_now_add=True)

    class Meta:
        verbose_name = _("enrolment at a counter")
        verbose_name_plural = _("enrolments at a counter")
        # Given to counter staff (portal.accounts.roles): what they do is done at a counter.
        permissions = [("serve_at_counter", "Serves residents at a community centre counter")]


class SavedPlace(models.Model):
    """A place a resident goes often, so a taxi can be called there without typing."""

    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_places"
    )
    label = models.CharField(_("name of the place"), max_length=20)
    address = models.CharField(_("address"), max_length=200)
    landmark = models.CharField(_("landmark for the driver"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("saved place")
        verbose_name_plural = _("saved places")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.label}: {self.address}"


# The languages a volunteer or counter member of staff may speak with a resident. The first two
# are the portal's own languages (a resident's ``language``); the dialects matter on the phone.
SPOKEN_LANGUAGES = [
    ("zh-hans", _("Mandarin (普通话)")),
    ("en", _("English")),
    ("wuu", _("Shanghainese (上海话)")),
    ("yue", _("Cantonese (粤语)")),
]


class Duty(models.Model):
    """A volunteer's or counter staff member's duty: on duty now or not, where, which languages.

    Only someone on duty, with the permission to act for residents, may use a resident's
    consent (``portal.accounts.duty``). The area they cover is a set of streets, or whole
    districts; the help desk offers a resident's request to those who cover the resident's
    street and speak their language first.
    """

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="duty",
        verbose_name=_("person"),
    )
    on_duty = models.BooleanField(_("on duty now"), default=False)
    changed_at = models.DateTimeField(_("on or off duty since"), default=timezone.now)
    districts = models.ManyToManyField(
        "areas.District",
        blank=True,
        related_name="duties",
        verbose_name=_("whole districts covered"),
    )
    streets = models.ManyToManyField(
        "areas.Street", blank=True, related_name="duties", verbose_name=_("streets covered")
    )
    languages = models.JSONField(
        _("languages spoken"),
        default=list,
        blank=True,
        help_text=_("Codes from the list of spoken languages, for example zh-hans and wuu."),
    )

    class Meta:
        verbose_name = _("duty")
        verbose_name_plural = _("duties")
        permissions = [
            ("act_for_resident", "Acts for residents, with their consent, while on duty"),
            ("supervise", "Supervises the help desk"),
        ]

    def __str__(self):
        return f"{self.person} · {_('on duty') if self.on_duty else _('off duty')}"

    def covers(self, street):
        """True when ``street`` (an ``areas.Street``, or None) is in the area this duty covers.

        Reads ``streets`` and ``districts`` through ``.all()``, so a caller checking many
        streets prefetches them once (``prefetch_related("streets", "districts")``).
        """
        if street is None:
            return False
        return any(s.pk == street.pk for s in self.streets.all()) or any(
            d.pk == street.district_id for d in self.districts.all()
        )


class AccountClosure(models.Model):
    """A resident's wish to close their account, and what became of it.

    The account closes ``ACCOUNT_CLOSING_DAYS`` after it was asked (``closes_at``); until then
    the resident (or the staff member who holds their request) can cancel it. The nightly task
    then deletes or anonymises their details (``portal.accounts.closing``). The row stays after
    closing: it says when and how the closing was asked, and the account it names holds nothing
    that identifies the person any more.
    """

    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="closures",
        verbose_name=_("resident"),
    )
    asked_at = models.DateTimeField(_("asked on"), default=timezone.now)
    closes_at = models.DateTimeField(_("closes on"), db_index=True)
    channel = models.CharField(_("asked through"), max_length=10, choices=Channel.choices)
    # The resident, or the member of staff who wrote down what the resident said.
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    cancelled_at = models.DateTimeField(_("cancelled on"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("account closing")
        verbose_name_plural = _("account closings")
        ordering = ["-asked_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["resident"],
                condition=models.Q(cancelled_at__isnull=True, closed_at__isnull=True),
                name="one_pending_closure",
            )
        ]

    def __str__(self):
        return f"{self.resident} · {timezone.localtime(self.closes_at):%Y-%m-%d %H:%M}"
