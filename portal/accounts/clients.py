"""Who is asking: the network address of the client, for limits on sign-in codes."""

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
        return str(ipaddress.ip_address(address))
    except ValueError:
        return "unknown"
