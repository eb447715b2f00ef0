"""A family member with permission applies for a resident on the web (issue 20, item 2)."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from portal.accounts import api as accounts
from portal.acting import Acting
from portal.audit.models import AuditEntry
from portal.consent.models import Scope
from services.applications.models import Application

pytestmark = pytest.mark.django_db


@pytest.fixture
def daughter(db):
    return get_user_model().objects.create_resident("+8613800000009", preferred_name="王小红")


@pytest.fixture
def allowed(resident, daughter):
    """王阿姨 lets her daughter apply for services for her."""
    return accounts.add_family_member(Acting.by_resident(resident), daughter, [Scope.APPLY])


def _answer_the_card(client, page):
    def post(key, data):
        return client.post(reverse("applications:question", args=[page.pk, key]), data)

    post("birth", {"answer_year": "1950", "answer_month": "3", "answer_day": "27"})
    post("residence", {"answer": "local"})
    post("collect", {"answer": "post"})
    return post("contact_phone", {"answer": "138 0000 0001"})


def test_a_daughter_with_permission_applies_for_her_mother(
    client, daughter, resident, allowed, card_page, texts, django_capture_on_commit_callbacks
):
    client.force_login(daughter)
    begun = client.get(reverse("applications:begin", args=[card_page.pk]))
    who = reverse("applications:for_whom", args=[card_page.pk])
    assert begun["Location"] == who
    asked = client.get(who).content.decode()
    assert "王阿姨" in asked
    client.post(who, {"person": str(resident.pk)})
    _answer_the_card(client, card_page)

    check = reverse("applications:check", args=[card_page.pk])
    page = client.get(check)
    assert "王阿姨" in page.content.decode()  # says whom it is for
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(check, {"key": page.context["key"]})

    application = Application.objects.get(resident=resident)
    assert (application.applied_by, application.acting_role) == (daughter, "family")
    assert application.consent is not None
    [receipt] = texts(resident.phone)  # the mother is told, on her phone
    assert application.case_number in receipt
    assert texts(daughter.phone) == []
    # The daughter may look at what she sent, and that look is in her mother's log.
    assert client.get(sent["Location"]).status_code == 200
    assert AuditEntry.objects.filter(
        resident=resident, actor=daughter, action="viewed_applications"
    ).exists()


def test_without_permission_nobody_else_is_offered(client, daughter, card_page):
    client.force_login(daughter)
    begun = client.get(reverse("applications:begin", args=[card_page.pk]))
    assert begun["Location"] == reverse("applications:question", args=[card_page.pk, "birth"])
    assert client.get(reverse("applications:for_whom", args=[card_page.pk])).status_code == 302


def test_a_permission_withdrawn_before_sending_sends_nothing(
    client, daughter, resident, allowed, card_page
):
    client.force_login(daughter)
    client.get(reverse("applications:begin", args=[card_page.pk]))
    client.post(reverse("applications:for_whom", args=[card_page.pk]), {"person": resident.pk})
    _answer_the_card(client, card_page)
    accounts.remove_family_member(Acting.by_resident(resident), daughter)

    check = reverse("applications:check", args=[card_page.pk])
    with translation.override("en"):
        said = gettext("That person no longer lets you apply for them, so nothing was sent.")
    page = client.get(check.replace("/apply/", "/en/apply/", 1)).content.decode()
    assert said in page and 'role="alert"' in page
    assert not Application.objects.exists()


def test_after_the_permission_ends_her_application_is_hers_alone(
    client, daughter, resident, allowed, card_page, django_capture_on_commit_callbacks
):
    client.force_login(daughter)
    client.get(reverse("applications:begin", args=[card_page.pk]))
    client.post(reverse("applications:for_whom", args=[card_page.pk]), {"person": resident.pk})
    _answer_the_card(client, card_page)
    check = reverse("applications:check", args=[card_page.pk])
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(check, {"key": client.get(check).context["key"]})
    accounts.remove_family_member(Acting.by_resident(resident), daughter)
    assert client.get(sent["Location"]).status_code == 404
