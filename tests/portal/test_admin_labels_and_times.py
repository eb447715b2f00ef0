"""Staff and editors read the admin in their words: Shanghai time, 是/否, no raw None, every
label translated, the page title not called a job title, an empty centres block publishes."""

import re
from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation
from django.utils.functional import Promise
from wagtail.fields import StreamField

from portal.notifications.models import Message

pytestmark = pytest.mark.django_db

# 2026-03-01 02:05 UTC is 10:05 in Shanghai.
MOMENT = datetime(2026, 3, 1, 2, 5, tzinfo=UTC)
RAW = re.compile(r"<dd>\s*(None|True|False)\s*</dd>")


@pytest.fixture
def admin_client(staff_login):
    return staff_login(get_user_model().objects.get(username="admin"))


@pytest.fixture
def message():
    sent = Message.objects.create(
        medium="sms",
        recipient="+8613800000001",
        purpose=Message._meta.get_field("purpose").choices[0][0],
        template="test",
        language="zh-hans",
        body="您好",
        not_before=MOMENT,
    )
    Message.objects.filter(pk=sent.pk).update(created_at=MOMENT, updated_at=MOMENT)
    return sent


def test_an_inspect_page_shows_shanghai_time_and_words_not_python(admin_client, message):
    html = admin_client.get(f"/admin/messages/inspect/{message.pk}/").content.decode()
    assert "10:05" in html and "02:05" not in html
    assert not RAW.search(html), RAW.search(html)
    assert re.search(r"<dd>\s*否\s*</dd>", html)  # not urgent
    assert "—" in html  # sent_at and the other empty fields


def test_the_audit_log_page_shows_shanghai_time(admin_client, time_machine):
    from portal.audit import api
    from portal.audit.models import AuditEntry

    resident = get_user_model().objects.get(phone="+8613800000001")
    time_machine.move_to(MOMENT, tick=False)
    api.record_view(get_user_model().objects.get(username="admin"), resident, "rides")
    time_machine.move_to(datetime.now(UTC))
    entry = AuditEntry.objects.latest("pk")
    html = admin_client.get(f"/admin/audit/inspect/{entry.pk}/").content.decode()
    assert "10:05" in html and "02:05" not in html
    assert not RAW.search(html)


def test_yes_no_fields_read_as_words_in_listings(admin_client):
    for url in ("/admin/hospital_hospitals/", "/admin/snippets/assist/calendarday/"):
        response = admin_client.get(url)
        assert response.status_code == 200, url
        cells = re.findall(r"<td[^>]*>\s*(.*?)\s*</td>", response.content.decode(), re.S)
        assert "True" not in cells and "False" not in cells, url
    html = admin_client.get("/admin/hospital_hospitals/").content.decode()
    assert re.search(r"<td[^>]*>\s*是\s*</td>", html)


def test_the_admin_values_read_as_words():
    from portal.design.wagtail_hooks import NOTHING, admin_words

    with translation.override("zh-hans"):
        assert admin_words(True) == "是" and admin_words(False) == "否"
        assert admin_words(None) == NOTHING and admin_words("") == NOTHING
        assert "10:05" in admin_words(MOMENT)


def _models():
    from django.apps import apps

    ours = ("portal", "content", "services", "assist")
    for config in apps.get_app_configs():
        if config.name.split(".")[0] in ours:
            yield from config.get_models()


def _unlabelled_blocks(block, path):
    for name, child in getattr(block, "child_blocks", {}).items():
        if not isinstance(child.meta.label, Promise):
            yield f"{path}.{name}"
        yield from _unlabelled_blocks(child, f"{path}.{name}")
    if hasattr(block, "child_block"):
        yield from _unlabelled_blocks(block.child_block, f"{path}[]")


def test_every_streamfield_and_block_of_the_content_has_a_translated_label():
    from content.models import HelpPage, HomePage, ServicePage

    missing = []
    for model in (HomePage, ServicePage, HelpPage):
        for field in model._meta.get_fields():
            if isinstance(field, StreamField):
                if not isinstance(field.verbose_name, Promise):
                    missing.append(f"{model.__name__}.{field.name}")
                missing.extend(
                    _unlabelled_blocks(field.stream_block, f"{model.__name__}.{field.name}")
                )
    assert missing == []


@pytest.mark.parametrize(
    ("model_path", "field"),
    [
        ("services.taxi.models.Ride", "idempotency_key"),
        ("services.taxi.models.RideEvent", "received_at"),
        ("services.taxi.models.RideEvent", "applied"),
        ("services.hospital.models.Appointment", "idempotency_key"),
    ],
)
def test_staff_fields_have_translated_labels(model_path, field):
    from django.utils.module_loading import import_string

    model = import_string(model_path)
    assert isinstance(model._meta.get_field(field).verbose_name, Promise)


def test_the_page_title_is_not_labelled_as_a_job_title(client, editor, staff_login):
    from content.models import ServicePage
    from services.hospital.models import Doctor

    page = ServicePage.objects.get(locale__language_code="zh-hans", slug="hospital")
    html = staff_login(editor).get(f"/admin/pages/{page.pk}/edit/").content.decode()
    (label,) = re.findall(r'<label[^>]*for="id_title"[^>]*>(.*?)</label>', html, re.S)
    assert "职称" not in label
    # The doctor's title keeps a context of its own, so each can be translated apart.
    title = Doctor._meta.get_field("title").verbose_name
    assert title._args == ("a doctor's title", "title")


def test_an_empty_centres_block_lists_every_centre_and_publishes(client):
    from content.blocks import AtCentreBlock
    from content.models import CommunityCentre, ServicePage

    assert list(AtCentreBlock().get_default()["centres"]) == []  # nothing to fill in at first
    page = ServicePage.objects.get(locale__language_code="zh-hans", slug="hospital")
    for centres in ([], [None]):  # none added, or one added and left empty
        ways = [
            (
                block.block_type,
                dict(block.value)
                | ({"centres": centres} if block.block_type == "at_centre" else {}),
            )
            for block in page.offline_ways
        ]
        page.offline_ways = ways
        page.full_clean()
        page.save_revision().publish()
        html = client.get("/services/hospital/").content.decode()
        (listed,) = re.findall(r'<ul class="centres">(.*?)</ul>', html, re.S)
        for centre in CommunityCentre.objects.filter(locale__language_code="zh-hans"):
            assert centre.name in listed
        html = client.get("/en/services/hospital/").content.decode()
        assert "Xujiahui Community Service Centre" in html
