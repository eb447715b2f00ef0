"""My data: everything the portal holds about a resident on one page and in one zip, every
model that names a person covered, nothing secret given, and each look written down."""

import csv
import datetime
import io
import json
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.db import models
from django.test.utils import isolate_apps
from django.utils import timezone

from assist import api as assist_api
from assist.models import InboundText, Kind, RequestEvent, TextQuestion
from portal.accounts import api as accounts
from portal.accounts.models import Enrolment, SavedPlace
from portal.acting import Acting
from portal.audit.models import AuditEntry
from portal.audit.sentences import describe
from portal.channels import Channel
from portal.consent import api as consent_api
from portal.consent.models import GivenVia, Scope
from portal.journeys import api as journeys
from portal.notifications.models import Message, Purpose
from portal.privacy import my_data
from portal.ratings.models import Rating
from services.applications import api as applications
from services.applications.models import ApplicationPage
from services.hospital import api as hospital
from services.hospital.models import Appointment, Department, Hospital, PatientIdentity, Session
from services.learning import api as learning
from services.learning.models import Session as LearningSession
from services.taxi.models import Ride

pytestmark = pytest.mark.django_db

ID_BODY = "31010519500101123"
STAFF_NOTE = "她说儿子最近没来看她"
OWN_NOTE = "请下午打电话"
TEXT_BODY = "我想找人帮忙"
SIGN_IN_CODE = "482913"


def _id_number(body):
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(digit) * weight for digit, weight in zip(body, weights, strict=True))
    return body + "10X98765432"[total % 11]


ID_NUMBER = _id_number(ID_BODY)


@pytest.fixture
def everything(resident, counter_staff, volunteer, neighbour):
    """王阿姨 with one record of every kind the portal keeps about a resident."""
    SavedPlace.objects.create(resident=resident, label="女儿家", address="长乐路 9 号")
    from portal.accounts.models import AccountClosure

    AccountClosure.objects.create(
        resident=resident, closes_at=timezone.now(), channel="web", asked_by=resident
    )
    Enrolment.objects.get_or_create(
        resident=resident,
        defaults={"checked_by": counter_staff, "checked_how": Enrolment.Check.ID_CARD},
    )
    identity = hospital.save_identity(Acting.by_resident(resident), "王小华", ID_NUMBER)
    place = Hospital.objects.create(
        name="华山医院", district="静安区", address="乌鲁木齐中路 12 号"
    )
    department = Department.objects.create(hospital=place, name="内科")
    session = Session.objects.create(
        department=department,
        date=timezone.localdate() + datetime.timedelta(days=3),
        period="morning",
        starts_at=datetime.time(8),
        ends_at=datetime.time(11),
        capacity=10,
    )
    Appointment.objects.create(
        session=session,
        patient=resident,
        patient_name_masked=identity.real_name_masked,
        patient_id_masked=identity.id_number_masked,
        booked_by=resident,
        channel=Channel.WEB,
        code="K7Q2M9",
        idempotency_key="privacy-test",
    )
    Ride.objects.create(
        resident=resident,
        requested_by=resident,
        channel=Channel.WEB,
        pickup_address="华山路 1 号",
        destination="乌鲁木齐中路 12 号",
        idempotency_key="privacy-test",
    )
    request = assist_api.open_request(
        resident, kind=Kind.CALL_BACK, channel=Channel.WEB, note=OWN_NOTE
    )
    RequestEvent.objects.create(
        request=request, what=RequestEvent.What.NOTE, actor=volunteer, note=STAFF_NOTE
    )
    InboundText.objects.create(
        message_sid="SM-privacy", from_number=resident.phone, body=TEXT_BODY, resident=resident
    )
    TextQuestion.objects.create(
        resident=resident,
        what=TextQuestion.What.TAXI_NOW,
        expires_at=timezone.now() + datetime.timedelta(minutes=10),
    )
    Rating.objects.create(
        resident=resident, subject=request.reference, level=5, channel=Channel.WEB
    )
    journeys.started(resident, "taxi")
    lesson = LearningSession.objects.create(
        centre=resident.street.centre,
        topic="taxi",
        starts_at=timezone.now() + datetime.timedelta(days=2),
        ends_at=timezone.now() + datetime.timedelta(days=2, hours=1),
        capacity=5,
    )
    learning.sign_up(Acting.by_resident(resident), lesson)
    learning.remember_practice(resident, "taxi")
    learning.record_teaching(lesson, resident, 1)
    meals = ApplicationPage.objects.get(slug="meal-delivery", locale__language_code="zh-hans")
    applications.apply(
        Acting.by_resident(resident),
        meals,
        {
            "meal": "canteen",
            "special_diet": "no",
            "start": "2099-01-01",
            "contact_phone": "13800000001",
        },
    )
    consent_api.grant(resident, Scope.TAXI, grantee=volunteer, given_via=GivenVia.WEB)
    consent_api.grant(neighbour, Scope.TAXI, grantee=resident, given_via=GivenVia.WEB)
    Message.objects.create(
        medium="sms",
        recipient=resident.phone,
        purpose=Purpose.SIGN_IN_CODE,
        template="code",
        language="zh-hans",
        body="您的验证码是 ••••••",
        secret=SIGN_IN_CODE,
        not_before=timezone.now(),
    )
    return resident


def _user_relations(model):
    user_model = get_user_model()
    return [
        relation
        for relation in model._meta.get_fields()
        if relation.is_relation and relation.concrete and relation.related_model is user_model
    ]


def _about(model, resident):
    """Rows of ``model`` naming ``resident``, directly or through the record they belong to
    (a timeline line through its request)."""
    referring = models.Q()
    for relation in _user_relations(model):
        referring |= models.Q(**{relation.name: resident})
    for relation in model._meta.get_fields():
        if relation.many_to_one and relation.concrete and relation.related_model is not None:
            for inner in _user_relations(relation.related_model):
                referring |= models.Q(**{f"{relation.name}__{inner.name}": resident})
    return model.objects.filter(referring)


def _zip(response):
    assert response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(response.content))


def _whole_zip_text(archive):
    return "".join(archive.read(name).decode("utf-8") for name in archive.namelist())


# --- Every model that names a person is exported -------------------------------------------


def test_every_model_that_refers_to_a_person_is_exported_or_said_not_to_be_about_residents():
    assert my_data.unexported() == [], (
        "A model with a foreign key to the user is not in the resident's data: register an "
        "exporter for it (portal.privacy.my_data.register) or, if it holds nothing about a "
        "resident, add it to NOT_ABOUT_RESIDENTS with the reason."
    )


@isolate_apps("portal.privacy")
def test_a_new_model_with_a_resident_foreign_key_is_caught():
    class Walk(models.Model):
        resident = models.ForeignKey(get_user_model(), on_delete=models.CASCADE)

        class Meta:
            app_label = "privacy"

    class Weather(models.Model):
        sky = models.CharField(max_length=10)

        class Meta:
            app_label = "privacy"

    assert my_data.unexported([Walk, Weather, SavedPlace]) == ["privacy.Walk"]


def test_the_list_of_models_about_nobody_stays_short():
    assert len(my_data.NOT_ABOUT_RESIDENTS) <= 12


def test_the_export_holds_a_record_of_every_model_that_refers_to_the_resident(everything):
    resident = everything
    covered = {label for exporter in my_data.EXPORTERS.values() for label in exporter.models}
    for label in covered:  # the fixture really made one of each
        model = get_user_model()._meta.apps.get_model(label)
        assert _about(model, resident).exists(), label
    sections = my_data.gather(resident)
    empty = [section.name for section in sections if not section.records]
    assert empty == []
    names = [section.name for section in sections]
    assert len(names) == len(set(names))
    for expected in (
        "details",
        "saved_places",
        "enrolment",
        "taxi_rides",
        "hospital_identity",
        "hospital_appointments",
        "help_requests",
        "help_request_timelines",
        "texts_received",
        "text_questions",
        "permissions_given",
        "ratings",
        "messages",
        "audit_log",
    ):
        assert expected in names


# --- Nothing secret is given ---------------------------------------------------------------


def test_the_id_number_is_only_ever_masked_and_codes_are_never_given(client, everything):
    identity = PatientIdentity.objects.get(user=everything)
    client.force_login(everything)
    page = client.get("/my/data/").content.decode()
    archive = _whole_zip_text(_zip(client.get("/my/data/download/")))
    for text in (page, archive):
        assert identity.id_number_masked in text
        assert ID_NUMBER not in text and ID_BODY not in text
        assert identity.id_number_hash not in text
        assert SIGN_IN_CODE not in text and "您的验证码" not in text
        assert "privacy-test" not in text  # idempotency keys are plumbing


# --- The page and the download ---------------------------------------------------------------


def test_the_resident_sees_every_section_and_the_look_is_written_down(client, everything):
    client.force_login(everything)
    response = client.get("/en/my/data/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>My data</h1>" in html
    for section in my_data.gather(everything):
        assert f'<h2 id="data-{section.name}" tabindex="-1">{section.title}</h2>' in html
    assert "长乐路 9 号" in html and "华山路 1 号" in html and "K7Q2M9" in html
    assert STAFF_NOTE in html and OWN_NOTE in html and TEXT_BODY in html
    assert 'href="/en/my/data/download/"' in html and "data-print" in html
    assert "design/print.js" in html
    entry = AuditEntry.objects.filter(resident=everything, action="viewed_my_data").get()
    assert entry.actor == everything and entry.channel == Channel.WEB
    assert describe(entry).startswith("You looked at everything the portal holds about you")
    assert client.get("/my/data/").status_code == 200  # and in Chinese


def test_the_download_is_a_zip_of_json_and_one_csv_per_section(client, everything):
    client.force_login(everything)
    response = client.get("/en/my/data/download/")
    assert response["Content-Disposition"].startswith('attachment; filename="my-data-')
    archive = _zip(response)
    sections = my_data.gather(everything)
    csvs = sorted(name for name in archive.namelist() if name.endswith(".csv"))
    assert csvs == sorted(f"{n:02d}-{s.name}.csv" for n, s in enumerate(sections, start=1))
    document = json.loads(archive.read("data.json").decode("utf-8"))
    assert [section["name"] for section in document["sections"]] == [s.name for s in sections]
    rides = next(s for s in document["sections"] if s["name"] == "taxi_rides")
    assert rides["records"][0]["pickup_address"] == "华山路 1 号"
    assert rides["fields"]["pickup_address"] == "Pick-up address"
    raw = archive.read(next(name for name in csvs if name.endswith("-taxi_rides.csv")))
    assert raw.startswith("\ufeff".encode())  # a BOM: Excel reads the Chinese as UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert "Pick-up address" in rows[0] and "华山路 1 号" in rows[1]
    entry = AuditEntry.objects.get(resident=everything, action="downloaded_my_data")
    assert entry.actor == everything
    assert describe(entry).startswith("You downloaded a copy")


def test_signed_out_my_data_asks_to_sign_in(client, resident):
    for path in ("/my/data/", "/my/data/download/", f"/my/data/{resident.pk}/"):
        assert client.get(path)["Location"].startswith("/signin/")
    assert not AuditEntry.objects.filter(action__endswith="_my_data").exists()


def test_staff_have_no_my_data_page(client, staff_login, volunteer, resident):
    staff_login(volunteer)
    assert client.get("/my/data/").status_code == 403
    assert client.get(f"/my/data/{resident.pk}/").status_code == 403


# --- A family member with the permission ---------------------------------------------------


def test_a_family_member_needs_the_permission_to_see_a_residents_data(
    client, everything, neighbour
):
    client.force_login(neighbour)
    page, download = f"/en/my/data/{everything.pk}/", f"/en/my/data/{everything.pk}/download/"
    assert client.get(page).status_code == 404
    assert client.get(download).status_code == 404
    # Another permission is not this one.
    accounts.add_family_member(Acting.by_resident(everything), neighbour, [Scope.TAXI])
    assert client.get(page).status_code == 404
    assert not AuditEntry.objects.filter(action__endswith="_my_data").exists()


def test_with_the_permission_a_family_member_sees_it_and_the_resident_reads_who_looked(
    client, everything, neighbour
):
    [consent] = accounts.add_family_member(
        Acting.by_resident(everything), neighbour, [Scope.SEE_MY_DATA]
    )
    client.force_login(neighbour)
    mine = client.get("/en/my/data/").content.decode()
    assert f'href="/en/my/data/{everything.pk}/"' in mine  # her own page leads to it
    html = client.get(f"/en/my/data/{everything.pk}/").content.decode()
    assert f"Everything the portal holds about {everything}" in html
    assert "华山路 1 号" in html and "K7Q2M9" in html
    # What was written on requests for help, and her texts, are hers alone.
    assert STAFF_NOTE not in html and OWN_NOTE not in html and TEXT_BODY not in html
    archive = _whole_zip_text(_zip(client.get(f"/en/my/data/{everything.pk}/download/")))
    assert "华山路 1 号" in archive and STAFF_NOTE not in archive and TEXT_BODY not in archive
    looked = AuditEntry.objects.get(resident=everything, action="viewed_my_data")
    downloaded = AuditEntry.objects.get(resident=everything, action="downloaded_my_data")
    for entry in (looked, downloaded):
        assert (entry.actor, entry.actor_role, entry.consent) == (neighbour, "family", consent)
    # Her own log says so, by name.
    client.force_login(everything)
    log = client.get("/en/my-information/").content.decode()
    assert f"Family member {neighbour} looked at everything the portal holds about you" in log
    assert f"Family member {neighbour} downloaded a copy" in log


def test_once_the_permission_is_withdrawn_the_family_member_sees_nothing(
    client, everything, neighbour
):
    accounts.add_family_member(Acting.by_resident(everything), neighbour, [Scope.SEE_MY_DATA])
    accounts.remove_family_member(Acting.by_resident(everything), neighbour)
    client.force_login(neighbour)
    assert client.get(f"/my/data/{everything.pk}/").status_code == 404


def test_the_family_page_offers_the_permission_to_see_my_data(client, resident):
    from portal.accounts.fresh_code import VERIFIED_AT_KEY

    client.force_login(resident)
    session = client.session
    session[VERIFIED_AT_KEY] = timezone.now().timestamp()
    session.save()
    html = client.get("/en/profile/family/add/").content.decode()
    assert 'value="see_my_data"' in html


# --- Links -------------------------------------------------------------------------------


def test_mine_and_my_details_lead_to_my_data(client, resident):
    client.force_login(resident)
    assert 'href="/en/my/data/">My data</a>' in client.get("/en/my/").content.decode()
    assert 'href="/en/my/data/">My data</a>' in client.get("/en/profile/").content.decode()


# --- Corrections go through the resident API, with an audit entry ---------------------------


def test_a_correction_goes_through_the_resident_api_and_is_written_down(
    client, resident, monkeypatch
):
    calls = []
    change = accounts.change_details

    def spy(acting, **changes):
        calls.append((acting, changes))
        return change(acting, **changes)

    monkeypatch.setattr(accounts, "change_details", spy)
    client.force_login(resident)
    response = client.post("/profile/home/", {"home_address": "长乐路 100 号", "street": ""})
    assert response.status_code == 302
    [(acting, changes)] = calls
    assert acting.resident == resident and acting.user == resident
    assert changes["home_address"] == "长乐路 100 号"
    entry = AuditEntry.objects.filter(resident=resident, action="changed_details").latest("pk")
    assert entry.actor == resident and "home_address" in entry.details["fields"]
    assert "长乐路 100 号" not in json.dumps(entry.details, ensure_ascii=False)  # never values
    assert "长乐路 100 号" in client.get("/my/data/").content.decode()


def test_a_family_member_cannot_correct_details_without_that_permission(resident, neighbour):
    from portal.consent.api import ConsentRequired

    accounts.add_family_member(Acting.by_resident(resident), neighbour, [Scope.SEE_MY_DATA])
    acting = Acting.for_resident(resident, neighbour, channel=Channel.WEB)
    with pytest.raises(ConsentRequired):
        accounts.change_details(acting, preferred_name="别人改的")
    resident.refresh_from_db()
    assert resident.preferred_name != "别人改的"
