"""Chinese is the default: no user-facing string may be missing from the zh-Hans catalogue."""

from portal import i18n


def test_the_chinese_catalogue_has_no_missing_or_fuzzy_strings():
    assert i18n.problems() == []


def test_the_catalogues_compile(tmp_path):
    assert i18n.compile_all() >= 2
