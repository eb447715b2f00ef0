"""The site the browser tests see: the demo content, in the test database."""

import pytest
from wagtail.models import Site

from content.models import HomePage


@pytest.mark.django_db
def test_the_demo_site_is_served_from_the_test_database():
    # Marked django_db, so pytest-django makes the test database even when only
    # this folder runs; the browser tests' gunicorn serves that database.
    site = Site.objects.get(is_default_site=True)
    assert isinstance(site.root_page.specific, HomePage)
    assert HomePage.objects.filter(locale__language_code="en").live().exists()
