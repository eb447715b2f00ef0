"""Twilio status callbacks: check the signature, record, answer at once."""

from django.http import HttpResponse

from portal.notifications import api
from portal.twilio_webhooks import twilio_webhook


def _status_view(id_field, status_field):
    @twilio_webhook
    def view(request):
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
