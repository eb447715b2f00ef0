"""A staff member who gave the password but not yet the authenticator code can change
nothing: outside the authenticator step they count as signed out."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def half_signed_in(client, editor):
    """The password is right (or stolen); no authenticator code yet."""
    editor.preferred_name = "编辑小周"
    editor.home_address = "人民路1号"
    editor.save(update_fields=["preferred_name", "home_address"])
    client.force_login(editor)
    return client


def test_the_welcome_questions_change_nothing(half_signed_in, editor):
    response = half_signed_in.post("/signin/welcome/name/", {"preferred_name": "冒名"})
    assert response["Location"].startswith("/signin/")
    half_signed_in.post("/signin/welcome/home/", {"home_address": "别处"})
    editor.refresh_from_db()
    assert (editor.preferred_name, editor.home_address) == ("编辑小周", "人民路1号")


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/profile/name/", {"preferred_name": "冒名"}),
        ("/profile/home/", {"home_address": "别处"}),
        ("/en/profile/home/", {"home_address": "elsewhere"}),
        ("/display/", {"size": "extra", "contrast": "high", "next": "/"}),
    ],
)
def test_profile_pages_change_nothing(half_signed_in, editor, path, data):
    half_signed_in.post(path, data)
    editor.refresh_from_db()
    assert (editor.preferred_name, editor.home_address) == ("编辑小周", "人民路1号")
    assert (editor.text_size, editor.contrast) == ("standard", "normal")


def test_resident_pages_see_someone_signed_out(half_signed_in):
    assert half_signed_in.get("/profile/")["Location"].startswith("/signin/")
    assert "/signout/" not in half_signed_in.get("/").content.decode()


def test_the_authenticator_step_and_the_admin_sign_in_still_know_them(half_signed_in):
    assert half_signed_in.get("/staff/2fa/").status_code == 200
    assert half_signed_in.get("/en/staff/2fa/").status_code == 200
    assert half_signed_in.get("/admin/pages/")["Location"] == "/staff/2fa/?next=%2Fadmin%2Fpages%2F"
    assert "_auth_user_id" in half_signed_in.session  # not signed out, only held back


def test_with_the_authenticator_code_the_same_pages_know_them(client, editor, staff_login):
    staff_login(editor)
    assert "/signout/" in client.get("/").content.decode()
