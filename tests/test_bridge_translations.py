"""Every addon of the repository reads in 简体中文: each msgid of its .pot has a
Chinese translation (the core's own test checks its screens in depth)."""

from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
ADDONS = ("order_governance_stock", "order_governance_mrp")


@pytest.mark.parametrize("addon", ADDONS)
def test_bridge_translation_is_complete(addon):
    i18n = ROOT / addon / "i18n"
    template = polib.pofile(str(i18n / f"{addon}.pot"))
    translations = polib.pofile(str(i18n / "zh_CN.po"))
    assert translations.metadata.get("Language") == "zh_CN"
    translated = {
        (entry.msgctxt, entry.msgid)
        for entry in translations
        if entry.msgstr and not entry.fuzzy and not entry.obsolete
    }
    missing = [
        entry.msgid
        for entry in template
        if (entry.msgctxt, entry.msgid) not in translated
    ]
    assert len(template) > 5
    assert not missing, f"{addon}: msgids without Chinese translation: {missing}"
