"""Who is asking: the client's network address, and whether the browser is a resident's own
device, for the limits on sign-in codes."""

import ipaddress

from django.conf import settings


def client_ip(request):
    """The client's IP address as text.

    ``X-Forwarded-For`` is trusted only behind our own proxy (``BEHIND_TLS_PROXY``), and then
    only its last entry, the one our proxy wrote: anything before it the client could have
    typed itself.
    """
    address = request.META.get("REMOTE_ADDR", "")
    if settings.BEHIND_TLS_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        address = forwarded or address
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "0.0.0.0"  # noqa: S104 - not a bind address: all unreadable clients share one count
    if ip.version == 6:
        # One home or phone gets a whole /64: count it as one client, as django-ratelimit does.
        return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
    return str(ip)


KNOWN_DEVICE_COOKIE = "known_phone"
_SALT = "portal.accounts.known_device"


def remember_device(response, phone):
    """After a sign-in: this browser is the resident's own, for a year (a signed cookie)."""
    response.set_signed_cookie(
        KNOWN_DEVICE_COOKIE,
        phone,
        salt=_SALT,
        max_age=365 * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def is_known_device(request, phone):
    """Whether this browser signed in as ``phone`` before (OWASP's "device cookie")."""
    known = request.get_signed_cookie(KNOWN_DEVICE_COOKIE, default=None, salt=_SALT)
    return known == phone
