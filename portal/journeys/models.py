"""Where residents set out and where a service turned them away, so supervisors can see who is
being left behind (a resident who started on the web or was refused, and got no ride, booking
or help within a day). Counted, never shown one by one."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.channels import Channel


class Step(models.Model):
    class What(models.TextChoices):
        STARTED = "started", _("Started")
        REFUSED = "refused", _("Refused")

    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("resident"),
    )
    service = models.CharField(_("service"), max_length=20)  # a built-in service's key
    what = models.CharField(_("what happened"), max_length=10, choices=What.choices)
    # The refusal's code ("session_full"); empty for a start.
    reason = models.CharField(_("reason"), max_length=40, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("journey step")
        verbose_name_plural = _("journey steps")
        indexes = [
            models.Index(fields=["at"], name="journey_step_at"),
            models.Index(fields=["resident", "service", "what", "at"], name="journey_step_of"),
        ]

    def __str__(self):
        return f"{self.service} {self.what} {self.at:%Y-%m-%d}"
