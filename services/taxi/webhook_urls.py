"""Dispatch companies' webhooks, at ``/taxi/events/<provider>/`` (no language prefix)."""

from django.urls import path

from services.taxi import webhooks

app_name = "taxi_events"

urlpatterns = [
    path("<str:provider>/", webhooks.receive, name="receive"),
]
