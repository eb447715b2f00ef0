"""Chinese is the default: no user-facing string may be missing from the zh-Hans catalogue."""

from portal import i18n


def test_the_chinese_catalogue_has_no_missing_or_fuzzy_strings():
    assert i18n.problems() == []


def test_the_catalogues_compile(tmp_path):
    assert i18n.compile_all() >= 2


def test_chinese_text_with_ascii_punctuation_is_a_problem():
    slip = i18n.ASCII_PUNCTUATION_IN_CHINESE
    assert slip.search("大字 (24 像素)") and slip.search("请稍等.") and slip.search("注意:明天")
    assert not slip.search("大字（24 像素）") and not slip.search("明天 8:00 以后。")
