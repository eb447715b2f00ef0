"""The secrets each configured provider needs: they come only from the environment.

No secret has a default in the code (``portal/settings.py`` reads each with an empty default).
In production a provider chosen without its secret would fail late, and quietly (the phone
line refusing every call as unsigned, a taxi company's webhooks all rejected), so
``settings.py`` stops the start instead, naming the variable, as it does for
``DJANGO_SECRET_KEY``. This module reads a mapping of settings, not ``django.conf``, so the
settings module itself can call it.
"""

_TWILIO_BACKEND = "portal.notifications.backends.twilio."
_TAXI_HTTP_PROVIDER = "services.taxi.providers.http."
_HOSPITAL_EXTERNAL_PROVIDER = "services.hospital.providers.external."


def _chosen(config, name, prefix):
    return str(config.get(name) or "").startswith(prefix)


def missing_secrets(config):
    """``(variable, why)`` for each secret the configuration in ``config`` needs and lacks.

    ``config`` maps setting names to values (``globals()`` in the settings module, or a dict).
    """
    needed = {}  # variable -> why, in the order found

    def need(variables, why):
        for variable in variables:
            if not config.get(variable):
                needed.setdefault(variable, why)

    for backend in ("SMS_BACKEND", "VOICE_BACKEND"):
        if _chosen(config, backend, _TWILIO_BACKEND):
            need(("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"), f"{backend} is Twilio's")
    if config.get("TWILIO_ACCOUNT_SID"):
        # The phone line's webhooks are checked with the auth token: none, and every call fails.
        need(("TWILIO_AUTH_TOKEN",), "TWILIO_ACCOUNT_SID is set")
    if _chosen(config, "TAXI_PROVIDER", _TAXI_HTTP_PROVIDER) or config.get("TAXI_HTTP_BASE_URL"):
        need(
            ("TAXI_HTTP_API_KEY", "TAXI_HTTP_WEBHOOK_SECRET"),
            "the taxi company's HTTP API is configured",
        )
    if _chosen(config, "HOSPITAL_PROVIDER", _HOSPITAL_EXTERNAL_PROVIDER) or config.get(
        "HOSPITAL_EXTERNAL_BASE_URL"
    ):
        need(("HOSPITAL_EXTERNAL_API_KEY",), "a hospital's own booking system is configured")
    return list(needed.items())


def describe(missing):
    """One sentence naming every missing secret and why it is needed."""
    parts = "; ".join(f"{variable} ({why})" for variable, why in missing)
    return f"Secrets missing for DJANGO_ENV=production, set them in the environment: {parts}."
