"""Twilio's webhook for texts to the portal's number: one SMS command, one TwiML reply.

What the text means and what is done lives in :mod:`assist.phone.sms_commands`; this only
reads Twilio's form and writes the answer.
"""

from django.http import HttpResponse
from twilio.twiml.messaging_response import MessagingResponse

from assist.phone import sms_commands
from portal.twilio_webhooks import twilio_webhook


@twilio_webhook
def incoming(request):
    """A text came in: do what it asks (once per ``MessageSid``) and answer with TwiML, a
    ``<Message>`` back to the sender or an empty ``<Response/>``."""
    message_sid = request.POST.get("MessageSid", "")
    reply = ""
    if message_sid:  # Twilio always sends one; without it a retry could not be recognised
        reply = sms_commands.answer(
            message_sid, request.POST.get("From", ""), request.POST.get("Body", "")
        )
    response = MessagingResponse()
    if reply:
        response.message(reply)
    return HttpResponse(str(response), content_type="text/xml")
