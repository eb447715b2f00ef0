"""The privacy notice: the parts the law asks for, each short, its periods from the settings."""

import pytest
from django.core.exceptions import ValidationError

from content.models import PrivacyNoticePage

pytestmark = pytest.mark.django_db


def test_the_notice_has_every_part_in_both_languages(client):
    chinese = client.get("/privacy/").content.decode()
    for heading in (
        "我们是谁",
        "我们收集什么，为什么",
        "叫车",
        "挂号",
        "什么时候删除",
        "您的权利",
        "怎样找人问",
    ):
        assert heading in chinese, heading
    english = client.get("/en/privacy/").content.decode()
    for heading in (
        "Who we are",
        "What we collect, and why",
        "Taxi",
        "When we delete it",
        "Your rights",
        "How to ask a person",
    ):
        assert heading in english, heading
    assert 'data-read-aloud="#main"' in chinese  # read aloud like every page


def test_the_periods_on_the_page_are_the_ones_the_nightly_forgetting_uses(client, settings):
    settings.KEEP_RIDES_DAYS = 400
    settings.KEEP_MESSAGES_DAYS = 90
    html = client.get("/en/privacy/").content.decode()
    assert "400 days: taxi rides" in html
    assert "90 days: our texts and calls" in html
    settings.KEEP_RIDES_DAYS = 365
    assert (
        "365 days: what you tried, taxi rides, hospital appointments"
        in client.get("/en/privacy/").content.decode()
    )


def test_a_part_longer_than_one_screen_is_refused_with_how_to_fix_it():
    notice = PrivacyNoticePage.objects.get(locale__language_code="zh-hans")
    notice.rights = "您可以查看信息。" * 30
    with pytest.raises(ValidationError) as refused:
        notice.full_clean()
    assert "rights" in refused.value.message_dict


def test_every_page_and_the_sign_in_page_link_to_the_notice(client):
    for path in ("/", "/services/", "/signin/", "/en/"):
        html = client.get(path).content.decode()
        assert 'href="/privacy/"' in html or 'href="/en/privacy/"' in html, path
    assert 'href="/en/privacy/"' in client.get("/en/signin/").content.decode()


def test_what_is_wiped_is_told_apart_from_what_is_deleted(client):
    html = client.get("/en/privacy/").content.decode()
    deleting = html[html.index("When we delete it") : html.index("What we wipe from")]
    wiping = html[html.index("What we wipe from the records we keep") :]
    assert "help request notes" not in deleting and "180 days: help request notes" in wiping
    assert "365 days: application answers" in wiping
    assert "365 days: what you tried, taxi rides, hospital appointments, class places" in deleting
