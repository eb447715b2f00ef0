"""The design system's date component: year, month and day boxes, each problem said plainly."""

import datetime

import pytest
from django import forms
from django.utils import translation

from portal.design.forms import DatePartsField


class BirthForm(forms.Form):
    born = DatePartsField(label="出生日期", latest=datetime.date(2026, 12, 2))


def _form(year, month, day):
    return BirthForm({"born_year": year, "born_month": month, "born_day": day})


def test_a_real_date_is_read():
    form = _form("1950", "03", "27")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["born"] == datetime.date(1950, 3, 27)


@pytest.mark.parametrize(
    ("parts", "code"),
    [
        (("", "", ""), "required"),
        (("1950", "", "27"), "incomplete"),
        (("1950", "三", "27"), "digits"),
        (("50", "3", "27"), "year"),
        (("1950", "2", "30"), "invalid"),
        (("2027", "1", "1"), "too_late"),
    ],
)
def test_each_problem_has_its_own_sentence(parts, code):
    form = _form(*parts)
    assert not form.is_valid()
    assert form.errors.as_data()["born"][0].code == code


def test_a_missing_part_is_named():
    with translation.override("en"):
        form = _form("1950", "", "27")
        form.is_valid()
        assert "month" in form.errors["born"][0]
    with translation.override("zh-hans"):
        form = _form("1950", "", "27")
        form.is_valid()
        assert "月" in form.errors["born"][0]


def test_the_boxes_are_labelled_and_typed_as_digits():
    html = str(BirthForm()["born"])
    for part in ("year", "month", "day"):
        assert f'id="id_born_{part}"' in html
        assert f'<label for="id_born_{part}">' in html
    assert html.count('inputmode="numeric"') == 3


def test_the_component_links_hint_and_error():
    from django.template.loader import render_to_string

    form = _form("1950", "2", "30")
    form.is_valid()
    html = render_to_string("design/components/date_input.html", {"field": form["born"]})
    assert '<fieldset class="field" id="id_born">' in html
    assert "<legend>出生日期</legend>" in html
    assert 'aria-describedby="id_born-hint id_born-error"' in html
    assert 'aria-invalid="true"' in html
