"""Compile and check the gettext catalogues without needing GNU gettext installed.

    python -m portal.i18n compile   # .po -> .mo for every language (make run/test do this)
    python -m portal.i18n check     # fails if a Chinese string is missing, fuzzy or has ASCII
                                    # punctuation where Chinese takes full-width

Chinese is the residents' default language, so an English sentence leaking onto a
Chinese page is a bug; ``check`` is what CI runs after ``makemessages``.
"""

import re
import sys
from pathlib import Path

import polib

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
REQUIRED_COMPLETE = ["zh_Hans"]
# Chinese text takes full-width punctuation (，。：；？！（）): ASCII punctuation touching a
# Chinese character is a slip ("例如 春节." or "(20 像素)"); times like 8:00 are digits.
HAN = r"[\u3400-\u9fff]"
ASCII_PUNCTUATION_IN_CHINESE = re.compile(rf"{HAN}[,.:;?!()]|[,:;?!()]{HAN}")


def catalogues():
    return sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po"))


def compile_all():
    for po_path in catalogues():
        polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))
    return len(catalogues())


def problems():
    """Every missing or fuzzy translation in the catalogues that must be complete."""
    found = []
    for language in REQUIRED_COMPLETE:
        for po_path in (LOCALE_DIR / language / "LC_MESSAGES").glob("*.po"):
            catalogue = polib.pofile(str(po_path))
            for entry in catalogue.untranslated_entries():
                found.append(f"{po_path}: untranslated: {entry.msgid!r}")
            for entry in catalogue.fuzzy_entries():
                found.append(f"{po_path}: fuzzy: {entry.msgid!r}")
            for entry in catalogue.translated_entries():
                for text in [entry.msgstr, *entry.msgstr_plural.values()]:
                    if ASCII_PUNCTUATION_IN_CHINESE.search(text):
                        found.append(f"{po_path}: ASCII punctuation in Chinese: {text!r}")
    return found


def main(argv):
    command = argv[1] if len(argv) > 1 else ""
    if command == "compile":
        print(f"compiled {compile_all()} catalogues")
        return 0
    if command == "check":
        found = problems()
        for line in found:
            print(line)
        print("translations complete" if not found else f"{len(found)} translation problems")
        return 1 if found else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
