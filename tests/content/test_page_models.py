"""Which pages can be made where: editors cannot build a tree residents would get lost in."""

import pytest
from wagtail.models import Page

from content.models import HelpPage, HomePage, ServiceIndexPage, ServicePage

pytestmark = pytest.mark.django_db


def _home():
    return HomePage.objects.get(locale__language_code="zh-hans")


def test_a_home_page_sits_only_at_the_top_of_the_tree():
    assert HomePage.can_create_at(Page.get_first_root_node())
    assert not HomePage.can_create_at(_home())


def test_the_home_page_holds_a_service_index_and_help_pages():
    home = _home()
    assert ServiceIndexPage.can_create_at(home)
    assert HelpPage.can_create_at(home)
    assert not ServicePage.can_create_at(home)


def test_service_pages_live_only_in_a_service_index():
    index = ServiceIndexPage.objects.filter(locale__language_code="zh-hans").first()
    assert ServicePage.can_create_at(index)
    assert not HelpPage.can_create_at(index)
    assert ServicePage.allowed_subpage_models() == []


def test_help_pages_can_nest_under_help_pages():
    help_page = HelpPage.objects.filter(locale__language_code="zh-hans").first()
    assert HelpPage.can_create_at(help_page)
    assert not ServiceIndexPage.can_create_at(help_page)
