"""Twilio's webhooks for the hotline and for texts (signed; no language prefix)."""

from django.urls import path

from assist.phone import sms, voice

app_name = "phone"

urlpatterns = [
    path("voice/", voice.incoming, name="voice"),
    path("voice/<str:step>/", voice.step, name="voice_step"),
    path("sms/", sms.incoming, name="sms"),
]
