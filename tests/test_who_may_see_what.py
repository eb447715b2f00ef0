"""Who may open what: every persona against every protected page, both ways.

Personas: a resident, a family member, a volunteer, counter staff, a supervisor,
an editor and an outsider (not signed in). Staff sign in with password and
authenticator (``staff_login``).
"""

import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db

ALLOWED, REFUSED = True, False

# page -> who may open it
PAGES = {
    "/profile/": {"resident", "family"},
    "/my-information/": {"resident", "family"},
    "/profile/family/": {"resident", "family"},
    "/admin/": {"volunteer", "counter", "supervisor", "editor"},
    "/admin/messages/": {"counter", "supervisor"},
    "/admin/audit/": {"supervisor"},
    "/admin/enrol/": {"counter", "supervisor"},
    "/admin/pages/": {"editor"},
    "/admin/taxi-rides/": {"counter", "supervisor"},
    "/admin/hospital_appointments/": {"counter", "supervisor"},
    "/admin/hospital_hospitals/": {"counter", "supervisor", "editor"},
    "/admin/hospital_weekly/generate/": {"editor"},
}
PERSONAS = ["resident", "family", "volunteer", "counter", "supervisor", "editor", "outsider"]


@pytest.fixture
def sign_in_as(client, staff_login):
    users = get_user_model().objects

    def sign_in(persona):
        if persona == "outsider":
            return client
        if persona == "resident":
            client.force_login(users.get(phone="+8613800000001"))
        elif persona == "family":
            client.force_login(users.get(phone="+8613800000002"))
        else:
            staff_login(users.get(username=persona))
        return client

    return sign_in


def _opens(response):
    return response.status_code == 200


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("path", PAGES)
def test_each_persona_opens_only_the_pages_their_role_allows(sign_in_as, persona, path):
    response = sign_in_as(persona).get(path)
    expected = persona in PAGES[path]
    assert _opens(response) is expected, (
        f"{persona} {'should' if expected else 'should not'} open {path}: {response.status_code}"
    )
