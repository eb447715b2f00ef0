"""The resident's profile: a summary and one small page per item."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, resident):
    client.force_login(resident)
    return client


def test_the_profile_lists_every_item_with_a_change_link(signed_in):
    html = signed_in.get("/profile/").content.decode()
    for slug in ("name", "language", "notify", "home", "needs", "emergency"):
        assert f'href="/profile/{slug}/"' in html
    assert "王阿姨" in html


def test_each_item_is_changed_on_its_own_page(signed_in, resident):
    response = signed_in.post("/profile/notify/", {"notify_by": "voice"})
    assert response["Location"] == "/profile/"
    resident.refresh_from_db()
    assert resident.notify_by == "voice"


def test_needs_are_checkboxes_that_can_be_cleared(signed_in, resident):
    signed_in.post("/profile/needs/", {"needs_wheelchair": "on", "needs_boarding_help": "on"})
    resident.refresh_from_db()
    assert resident.needs_wheelchair and resident.needs_boarding_help
    assert not resident.needs_hearing
    signed_in.post("/profile/needs/", {})
    resident.refresh_from_db()
    assert not resident.needs_wheelchair


def test_a_resident_asks_to_go_straight_to_a_person_on_the_hotline(signed_in, resident):
    page = signed_in.get("/profile/needs/").content.decode()
    assert 'name="phone_straight_to_person"' in page and "直接转人工" in page
    signed_in.post("/profile/needs/", {"phone_straight_to_person": "on"})
    resident.refresh_from_db()
    assert resident.phone_straight_to_person


def test_an_emergency_contact_number_is_stored_in_e164(signed_in, resident):
    signed_in.post(
        "/profile/emergency/", {"emergency_name": "儿子", "emergency_phone": "139 0000 0001"}
    )
    resident.refresh_from_db()
    assert resident.emergency_phone == "+8613900000001"


def test_a_bad_emergency_number_is_refused_and_nothing_changes(signed_in, resident):
    response = signed_in.post(
        "/profile/emergency/", {"emergency_name": "儿子", "emergency_phone": "123"}
    )
    assert response.status_code == 200 and "<title>错误" in response.content.decode()
    resident.refresh_from_db()
    assert resident.emergency_name == ""


def test_text_size_is_kept_in_the_profile_when_signed_in(signed_in, resident):
    signed_in.post("/display/", {"size": "extra", "contrast": "high", "next": "/"})
    resident.refresh_from_db()
    assert (resident.text_size, resident.contrast) == ("extra", "high")
    signed_in.cookies.clear()
    signed_in.force_login(resident)
    assert 'class="size-extra contrast-high"' in signed_in.get("/").content.decode()


def test_an_unknown_item_is_not_found(signed_in):
    assert signed_in.get("/profile/password/").status_code == 404


def test_the_profile_needs_sign_in(client):
    response = client.get("/profile/")
    assert response.status_code == 302 and response["Location"].startswith("/signin/")


def test_saved_places_are_added_listed_and_removed(signed_in, resident):
    signed_in.post(
        "/profile/places/", {"label": "女儿家", "address": "虹桥路 8 号", "landmark": "小区北门"}
    )
    place = resident.saved_places.get()
    assert (place.label, place.landmark) == ("女儿家", "小区北门")
    assert "女儿家" in signed_in.get("/profile/").content.decode()
    signed_in.post(f"/profile/places/{place.pk}/remove/")
    assert not resident.saved_places.exists()


def test_a_place_needs_a_name_and_an_address(signed_in, resident):
    response = signed_in.post("/profile/places/", {"label": "", "address": ""})
    assert "<title>错误" in response.content.decode()
    assert not resident.saved_places.exists()


def test_nobody_removes_another_residents_place(signed_in, django_user_model):
    neighbour = django_user_model.objects.get(phone="+8613800000002")
    place = neighbour.saved_places.create(label="家", address="华山路 1 号")
    assert signed_in.post(f"/profile/places/{place.pk}/remove/").status_code == 404
