"""Limits on asking for sign-in codes and guessing them (elder-ux.md, "abuse limits").

They slow whoever asks or guesses, never the resident the number belongs to:

- per client (network address) and per browser session, codes asked for in 10 minutes
  (django-ratelimit, in the cache; when the cache cannot be reached the per-client count is
  read from the database instead, so the limit holds with Redis down);
- per number and client, codes in an hour: a stranger who uses up their own budget for a
  resident's number leaves the resident's budget whole;
- per number from everyone together, codes in an hour: a ceiling against flooding one phone,
  set well above what one client may ask for. A browser the resident signed in on before
  (a signed "known device" cookie) is not held by it, so strangers from many addresses who
  use it up still cannot keep the resident out;
- wrong guesses per client in 10 minutes (the cache; the database keeps the rules that
  matter with the cache down: 5 guesses a code, a growing wait per attempt).
"""

import dataclasses
import datetime
import math

from django.conf import settings
from django.utils import timezone
from django_ratelimit.core import get_usage

from portal.accounts.clients import client_ip, is_known_device
from portal.accounts.models import SignInCode

TEN_MINUTES = 600
HOUR = 3600


@dataclasses.dataclass(frozen=True)
class Refusal:
    """Why no code may go now, and how long until one may."""

    # "client": this device asked too often; "number": this device asked this number enough;
    # "number_ceiling": this number had enough codes from everyone; "busy": the portal's budget.
    reason: str
    wait_seconds: int

    @property
    def wait_minutes(self):
        return max(1, math.ceil(self.wait_seconds / 60))


def _session_key(group, request):
    if not request.session.session_key:
        request.session.save()
    return request.session.session_key


def _cache_refusal(request):
    """Per-client and per-session limits, counted in the cache; ``None`` when all pass.

    Fails open when the cache is down (``RATELIMIT_FAIL_OPEN``): then the client's count
    comes from the database in ``_database_refusal``.
    """
    checks = [
        ("signin-codes-client", "ip", settings.SIGNIN_CODES_PER_CLIENT),
        ("signin-codes-session", _session_key, settings.SIGNIN_CODES_PER_SESSION),
    ]
    cache_down = False
    for group, key, limit in checks:
        usage = get_usage(request, group=group, key=key, rate=f"{limit}/10m", increment=True)
        if usage is None:
            cache_down = True
        elif usage["should_limit"]:
            return Refusal("client", usage["time_left"])
    if cache_down:
        return _counted(
            SignInCode.objects.filter(client=client_ip(request)),
            settings.SIGNIN_CODES_PER_CLIENT,
            TEN_MINUTES,
            "client",
        )
    return None


def _counted(codes, limit, seconds, reason):
    """A ``Refusal`` if ``codes`` made in the last ``seconds`` reached ``limit``."""
    since = timezone.now() - datetime.timedelta(seconds=seconds)
    recent = list(
        codes.filter(created_at__gte=since)
        .order_by("-created_at")[:limit]
        .values_list("created_at", flat=True)
    )
    if len(recent) < limit:
        return None
    frees_up = recent[-1] + datetime.timedelta(seconds=seconds)
    return Refusal(reason, int((frees_up - timezone.now()).total_seconds()) + 1)


def refusal_for_code(request, send_to):
    """Why a code to ``send_to`` must not go for this ``request``, or ``None`` if it may."""
    client = client_ip(request)
    refusal = _cache_refusal(request) or _counted(
        SignInCode.objects.filter(sent_to=send_to, client=client),
        settings.SIGNIN_CODES_PER_NUMBER_PER_CLIENT,
        HOUR,
        "number",
    )
    if refusal or is_known_device(request, send_to):
        return refusal
    return _counted(
        SignInCode.objects.filter(sent_to=send_to),
        settings.SIGNIN_CODES_PER_NUMBER,
        HOUR,
        "number_ceiling",
    )


def guessing_too_fast(request):
    """Whether this client has guessed too many codes in 10 minutes (counts this guess).

    With the cache down this says no: the database still ends a code after 5 wrong guesses
    and makes each attempt wait longer after each one.
    """
    usage = get_usage(
        request,
        group="signin-guesses-client",
        key="ip",
        rate=f"{settings.SIGNIN_GUESSES_PER_CLIENT}/10m",
        increment=True,
    )
    return usage is not None and usage["should_limit"]
