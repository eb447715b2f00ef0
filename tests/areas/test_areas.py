"""Districts and streets as data: Shanghai loads (again and again), names follow the reader's
language, streets are offered grouped by district, and editors keep them in the admin."""

from io import StringIO

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from content.models import CommunityCentre
from portal.areas.models import District, Street, street_choices
from portal.areas.shanghai import SHANGHAI, load_shanghai

pytestmark = pytest.mark.django_db

CENTRAL = {
    "黄浦区": 10,
    "徐汇区": 13,
    "长宁区": 10,
    "静安区": 14,
    "普陀区": 10,
    "虹口区": 8,
    "杨浦区": 12,
}


@pytest.fixture
def empty_areas(db, django_user_model):
    """No districts nor streets: the demo's Shanghai is taken away (residents and duties
    that point at it let go first)."""
    from portal.accounts.models import Duty

    django_user_model.objects.update(street=None)
    Duty.streets.through.objects.all().delete()
    Duty.districts.through.objects.all().delete()
    Street.objects.all().delete()
    District.objects.all().delete()


@pytest.fixture
def jingan(empty_areas):
    district = District.objects.create(name="静安区", name_en="Jing'an District", sort_order=4)
    Street.objects.create(
        district=district, name="静安寺街道", name_en="Jing'an Temple Subdistrict"
    )
    Street.objects.create(district=district, name="曹家渡街道")
    return district


@pytest.fixture
def huangpu(empty_areas):
    district = District.objects.create(name="黄浦区", name_en="Huangpu District", sort_order=1)
    Street.objects.create(district=district, name="外滩街道", name_en="The Bund Subdistrict")
    Street.objects.create(district=district, name="豫园街道", name_en="Yuyuan Subdistrict")
    return district


def test_shanghai_loads_its_16_districts_once_however_often():
    first = load_shanghai()
    second = load_shanghai()
    assert first == second
    districts, streets = first
    assert districts == 16
    names = [name for name, _, _ in SHANGHAI]
    assert len(set(names)) == 16
    assert set(District.objects.values_list("name", flat=True)) >= set(names)
    loaded = District.objects.filter(name__in=names)
    assert loaded.count() == 16
    assert Street.objects.filter(district__in=loaded).count() == streets
    # The districts come in the city's usual order, Pudong among them.
    assert list(loaded.values_list("name", flat=True))[:4] == [
        "黄浦区",
        "徐汇区",
        "长宁区",
        "静安区",
    ]
    assert District.objects.get(name="浦东新区").name_en == "Pudong New Area"
    for name, count in CENTRAL.items():
        assert Street.objects.filter(district__name=name).count() == count, name
    assert Street.objects.filter(district__name="静安区", name="彭浦镇").exists()
    for name in names:
        assert Street.objects.filter(district__name=name).count() >= 3, name


def test_loading_again_keeps_editors_centres_and_links_the_given_ones():
    load_shanghai()
    centre = CommunityCentre.objects.create(
        name="静安寺街道社区服务中心",
        district="静安区",
        address="愚园路 1 号",
        hours="周一至周六 9:00 至 17:00",
        phone="021-0000 0000",
        dial="02100000000",
    )
    load_shanghai(centres={"静安寺街道": centre})
    temple = Street.objects.get(name="静安寺街道")
    assert temple.centre == centre
    assert list(centre.streets.all()) == [temple]
    load_shanghai()  # no centres given: the link stays
    temple.refresh_from_db()
    assert temple.centre == centre


def test_the_command_loads_shanghai_and_says_how_much():
    out = StringIO()
    call_command("load_areas", "shanghai", stdout=out)
    districts, streets = load_shanghai()
    assert f"{districts} districts and {streets} streets" in out.getvalue()


def test_names_follow_the_readers_language(jingan):
    temple = Street.objects.get(name="静安寺街道")
    caojiadu = Street.objects.get(name="曹家渡街道")
    with translation.override("zh-hans"):
        assert str(jingan) == "静安区"
        assert str(temple) == "静安寺街道"
        assert temple.full_name == "静安区 静安寺街道"
    with translation.override("en"):
        assert str(jingan) == "Jing'an District"
        assert str(temple) == "Jing'an Temple Subdistrict"
        assert temple.full_name == "Jing'an District Jing'an Temple Subdistrict"
        # Without an English name, the Chinese one.
        assert str(caojiadu) == "曹家渡街道"
        assert caojiadu.full_name == "Jing'an District 曹家渡街道"


def test_streets_are_offered_grouped_by_district_in_order(jingan, huangpu):
    District.objects.create(name="崇明区", sort_order=16)  # no streets: no empty group
    ids = dict(Street.objects.values_list("name", "pk"))
    with translation.override("zh-hans"):
        choices = street_choices(Street.objects.filter(district__in=[jingan, huangpu]))
        assert choices == [
            ("黄浦区", [(ids["外滩街道"], "外滩街道"), (ids["豫园街道"], "豫园街道")]),
            ("静安区", [(ids["曹家渡街道"], "曹家渡街道"), (ids["静安寺街道"], "静安寺街道")]),
        ]
    with translation.override("en"):
        labels = [group for group, _ in street_choices()]
        assert labels.index("Huangpu District") < labels.index("Jing'an District")
        assert "崇明区" not in labels


def test_a_district_has_each_street_name_once(jingan, huangpu):
    duplicate = Street(district=jingan, name="静安寺街道")
    with pytest.raises(ValidationError):
        duplicate.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()
    # The same name in another district is another street.
    Street.objects.create(district=huangpu, name="静安寺街道")


def test_a_district_with_streets_cannot_be_deleted(jingan):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        jingan.delete()


def test_the_street_list_shows_district_and_centre_to_an_administrator(
    client, staff_login, django_user_model, jingan
):
    admin = django_user_model.objects.get(username="admin")
    assert admin.is_superuser
    staff_login(admin)
    url = reverse("wagtailsnippets_areas_street:list")
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "静安寺街道" in page and "静安区" in page
    response = client.get(url, {"district": jingan.pk, "q": "曹家渡"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "曹家渡街道" in page and "静安寺街道" not in page
    assert client.get(reverse("wagtailsnippets_areas_district:list")).status_code == 200


def test_an_editor_adds_a_street(client, staff_login, editor, jingan):
    # What the roles give Editors (portal.accounts.roles).
    editor.groups.get(name="Editors").permissions.add(
        *Permission.objects.filter(content_type__app_label="areas").exclude(
            codename__startswith="delete_"
        )
    )
    staff_login(editor)
    assert client.get(reverse("wagtailsnippets_areas_street:list")).status_code == 200
    response = client.post(
        reverse("wagtailsnippets_areas_street:add"),
        {"district": jingan.pk, "name": "南京西路街道", "name_en": "", "centre": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Street.objects.filter(district=jingan, name="南京西路街道").exists()
