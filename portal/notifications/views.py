"""Twilio status callbacks: check the signature, record, answer at once."""

from django.conf import settings
from django.http import HttpResponse, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.request_validator import RequestValidator

from portal.notifications import api


def _signed_by_twilio(request):
    # Rebuild the URL as Twilio called it: behind a TLS proxy request.build_absolute_uri()
    # would say http://internal-host and every signature would fail.
    url = settings.PUBLIC_BASE_URL + request.get_full_path()
    validator = RequestValidator(settings.TWILIO_AUTH_TOKEN)
    signature = request.headers.get("X-Twilio-Signature", "")
    return bool(settings.TWILIO_AUTH_TOKEN) and validator.validate(
        url, request.POST.dict(), signature
    )


def _status_view(id_field, status_field):
    @csrf_exempt
    @require_POST
    def view(request):
        if not _signed_by_twilio(request):
            return HttpResponseForbidden("bad signature")
        api.record_status(
            request.POST.get(id_field, ""),
            request.POST.get(status_field, ""),
            request.POST.get("ErrorCode", ""),
        )
        # 200 even for an unknown id, so Twilio stops retrying.
        return HttpResponse(status=200)

    return view


sms_status = _status_view("MessageSid", "MessageStatus")
call_status = _status_view("CallSid", "CallStatus")
