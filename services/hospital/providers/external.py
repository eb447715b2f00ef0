"""A hospital's own booking system, over HTTP: it confirms each booking and cancellation.

Settings: ``HOSPITAL_EXTERNAL_BASE_URL`` (for example ``https://booking.example-hospital.cn/api``),
``HOSPITAL_EXTERNAL_API_KEY`` and ``HOSPITAL_EXTERNAL_TIMEOUT_SECONDS``. A hospital uses it when
its ``provider`` field says ``external``; its ``external_code`` (and each department's) names it
in that system.

The small REST API the portal expects (JSON bodies, ``Authorization: Bearer <API key>``):

``POST {base}/bookings``
    Body ``{"reference", "hospital", "department", "date", "period", "starts_at", "ends_at",
    "patient_name", "patient_id"}``: ``reference`` is the portal's idempotency key (asking
    again with the same reference returns the same booking); ``date`` is ``YYYY-MM-DD``,
    ``period`` is ``morning`` or ``afternoon``, times are ``HH:MM``; the patient is sent masked
    (``王*华``) with ``patient_id``, the portal's own random id for that patient (a UUID, the
    same on every booking, made once and never derived from the ID number). Neither the ID
    number nor its hash ever leaves the portal.
    Answers ``201`` (or ``200`` for a repeat) ``{"booking_id": "..."}``, or ``409``
    ``{"error": "full"}`` when that session has no place left.

``DELETE {base}/bookings/{booking_id}``
    Answers ``204`` (or ``200``); ``404`` means it is already gone, which is fine too.

``GET {base}/sessions?hospital=&department=&from=YYYY-MM-DD&to=YYYY-MM-DD``
    Answers ``200`` ``{"sessions": [{"date", "period", "starts_at", "ends_at", "capacity"}]}``,
    used by :meth:`ExternalProvider.sync` to make or update the portal's sessions.

Any other answer, a timeout or a network error is a :class:`ProviderError`: the portal then
books (or cancels) nothing and asks the person to try again or to call.
"""

import datetime
import ipaddress
import logging
from urllib.parse import quote, urlsplit

import requests
from django.conf import settings
from django.db import IntegrityError, transaction

from services.hospital.providers.base import BookingProvider, ProviderError, ProviderFull

logger = logging.getLogger(__name__)

# The most places one session may have: far beyond any morning's patients, and well inside
# the column (a small integer).
MAX_PLACES = 2000


def _is_loopback(host):
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host or "").is_loopback
    except ValueError:
        return False


class ExternalProvider(BookingProvider):
    """Asks the hospital's own system, with the settings' base URL, key and timeout."""

    name = "external"

    def __init__(self, base_url=None, api_key=None, timeout=None):
        self.base_url = (base_url or settings.HOSPITAL_EXTERNAL_BASE_URL or "").rstrip("/")
        self.api_key = api_key if api_key is not None else settings.HOSPITAL_EXTERNAL_API_KEY
        self.timeout = timeout or settings.HOSPITAL_EXTERNAL_TIMEOUT_SECONDS

    # -- HTTP -------------------------------------------------------------------------------

    def _request(self, method, path, **kwargs):
        if not self.base_url:
            raise ProviderError("HOSPITAL_EXTERNAL_BASE_URL is not set")
        headers = {"Accept": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        if _is_loopback(urlsplit(self.base_url).hostname):
            # A proxy from the environment must not swallow calls to this machine.
            kwargs["proxies"] = {"http": None, "https": None}
        try:
            return requests.request(
                method, f"{self.base_url}{path}", headers=headers, timeout=self.timeout, **kwargs
            )
        except requests.RequestException as error:
            raise ProviderError(f"{method} {path}: {error}") from error

    @staticmethod
    def _json(response):
        try:
            answer = response.json()
        except ValueError as error:
            raise ProviderError(f"not JSON (HTTP {response.status_code})") from error
        # Every answer is an object: a list or a number would fail later, as a server error.
        if not isinstance(answer, dict):
            raise ProviderError(f"not a JSON object (HTTP {response.status_code})")
        return answer

    # -- The interface ----------------------------------------------------------------------

    def book(self, appointment):
        """POST the booking; return the hospital's booking id, or raise ProviderFull."""
        session = appointment.session
        department = session.department
        body = {
            "reference": appointment.idempotency_key,
            "hospital": department.hospital.external_code or str(department.hospital_id),
            "department": department.external_code or str(department.pk),
            "date": session.date.isoformat(),
            "period": session.period,
            "starts_at": session.starts_at.strftime("%H:%M"),
            "ends_at": session.ends_at.strftime("%H:%M"),
            "patient_name": appointment.patient_name_masked,
            "patient_id": _patient_id_of(appointment),
        }
        response = self._request("POST", "/bookings", json=body)
        if response.status_code == 409:
            data = self._json(response)
            if data.get("error") == "full":
                raise ProviderFull("the hospital says the session is full")
            raise ProviderError(f"refused: {data!r}")
        if response.status_code not in (200, 201):
            raise ProviderError(f"booking answered HTTP {response.status_code}")
        booking_id = str(self._json(response).get("booking_id") or "")
        if not booking_id:
            raise ProviderError("booking answered without a booking_id")
        return booking_id[:80]

    def cancel(self, appointment):
        """DELETE the booking; a booking the hospital no longer has counts as cancelled."""
        if not appointment.provider_booking_id:
            return
        path = f"/bookings/{quote(appointment.provider_booking_id, safe='')}"
        response = self._request("DELETE", path)
        if response.status_code not in (200, 204, 404):
            raise ProviderError(f"cancel answered HTTP {response.status_code}")

    def sync(self, department, start, end):
        """Fetch the hospital's sessions for these days and make or update ours to match.

        A session's places are never set below the places already taken in the portal.
        """
        from services.hospital.models import Period, Session

        params = {
            "hospital": department.hospital.external_code or str(department.hospital_id),
            "department": department.external_code or str(department.pk),
            "from": start.isoformat(),
            "to": end.isoformat(),
        }
        response = self._request("GET", "/sessions", params=params)
        if response.status_code != 200:
            raise ProviderError(f"sessions answered HTTP {response.status_code}")
        changed = 0
        sessions = self._json(response).get("sessions") or []
        if not isinstance(sessions, list):
            raise ProviderError("sessions answered without a list of sessions")
        for item in sessions:
            try:
                day = datetime.date.fromisoformat(item["date"])
                period = Period(item["period"])
                starts = datetime.time.fromisoformat(item["starts_at"])
                ends = datetime.time.fromisoformat(item["ends_at"])
                capacity = _places(item["capacity"])
            except (KeyError, TypeError, ValueError):
                logger.warning("hospital sync: a session we cannot read was skipped: %r", item)
                continue
            with transaction.atomic():
                session = (
                    Session.objects.select_for_update()
                    .filter(department=department, doctor=None, date=day, period=period)
                    .first()
                )
                if session is None:
                    try:
                        with transaction.atomic():
                            Session.objects.create(
                                department=department,
                                date=day,
                                period=period,
                                starts_at=starts,
                                ends_at=ends,
                                capacity=capacity,
                            )
                        changed += 1
                    except IntegrityError:
                        pass  # made by a sync running at the same time
                    continue
                new = (starts, ends, max(capacity, session.booked))
                if (session.starts_at, session.ends_at, session.capacity) != new:
                    session.starts_at, session.ends_at, session.capacity = new
                    session.save(update_fields=["starts_at", "ends_at", "capacity"])
                    changed += 1
        return changed


def _places(value):
    """A session's places as the hospital gave them: a whole number from 0 to MAX_PLACES.

    Anything else (a bool, a string, a fraction, NaN, Infinity, a negative or an absurd
    number, which Python's JSON all reads) raises ``ValueError``, so that session is skipped
    rather than stopping the sync or being stored differently by SQLite and PostgreSQL.
    """
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_PLACES:
        raise ValueError(f"places must be a whole number from 0 to {MAX_PLACES}, not {value!r}")
    return value


def _patient_id_of(appointment):
    """The patient's random id for hospitals' systems ("" with no identity on file)."""
    from services.hospital.models import PatientIdentity

    external_id = (
        PatientIdentity.objects.filter(user_id=appointment.patient_id)
        .values_list("external_id", flat=True)
        .first()
    )
    return str(external_id) if external_id else ""
