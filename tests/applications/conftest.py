"""Application fixtures: the demo's 敬老卡 and 助餐 pages, a signed-in resident, staff acting."""

import pytest
from wagtail.models import Locale

from portal.acting import Acting
from portal.channels import Channel
from portal.notifications.models import Message
from services.applications.models import ApplicationPage


@pytest.fixture
def card_page(db):
    """The demo's elderly card page (Chinese): birth date, residence, permit number only for
    a residence permit, how to collect, a phone number."""
    return ApplicationPage.objects.get(slug="elderly-card", locale__language_code="zh-hans")


@pytest.fixture
def meals_page(db):
    return ApplicationPage.objects.get(slug="meal-delivery", locale__language_code="zh-hans")


@pytest.fixture
def english_card(card_page):
    return card_page.get_translation(Locale.objects.get(language_code="en")).specific


@pytest.fixture
def signed_in(client, resident):
    client.force_login(resident)
    return client


@pytest.fixture
def counter_acting(counter_staff):
    """Counter staff handling an application at the desk."""

    def make(application):
        return Acting.for_resident(application.resident, counter_staff, channel=Channel.STAFF_TOOLS)

    return make


@pytest.fixture
def texts():
    """The bodies of the texts sent to a phone number, oldest first."""

    def to(phone):
        return list(
            Message.objects.filter(recipient=phone).order_by("pk").values_list("body", flat=True)
        )

    return to


CARD_ANSWERS = {
    "birth": "1950-03-27",
    "residence": "local",
    "collect": "post",
    "contact_phone": "13800000001",
}
