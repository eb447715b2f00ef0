"""SMS commands (being written)."""

from django.http import HttpResponse

from portal.twilio_webhooks import twilio_webhook


@twilio_webhook
def incoming(request):
    return HttpResponse(status=501)
