"""The user model: residents (known by phone number) and staff (known by username)."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.accounts.phone import normalize_phone, validate_e164


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

    objects = PortalUserManager()

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    @property
    def is_resident(self):
        return self.phone is not None and not self.is_staff

    def __str__(self):
        return self.preferred_name or self.get_full_name() or self.username
