"""Where dispatch companies post ride events: check the signature, apply, answer at once.

Each event goes through :func:`services.taxi.api.apply_event`, which keeps it once by its id
and only moves a ride forward, so a company that sends an event twice, or late, changes
nothing more. An event about an order we do not know is kept and answered 200 too: else the
company would send it again and again.
"""

import logging

from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from services.taxi import api
from services.taxi.providers.base import get_provider

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def receive(request, provider):
    """Apply the events in a signed webhook from ``provider`` (the configured provider's name).

    404 for any other provider name; 403, with nothing written, when the signature is wrong,
    missing or too old; 400 when the body is not valid events; else 200.
    """
    configured = get_provider()
    if provider != configured.name:
        raise Http404("no such dispatch provider")
    if not configured.verify_webhook(request):
        logger.warning("taxi webhook from %r refused: bad or stale signature", provider)
        return HttpResponseForbidden("bad signature")
    try:
        events = configured.parse_webhook(request)
    except ValueError as error:
        logger.warning("taxi webhook from %r refused: %s", provider, error)
        return HttpResponseBadRequest("bad events")
    changed = 0
    for event in events:
        changed += bool(api.apply_event(configured.name, event.event_id, event.kind, event.data))
    logger.info(
        "taxi webhook from %r: %d events, %d changed a ride", provider, len(events), changed
    )
    return HttpResponse(status=200)
