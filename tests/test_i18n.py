"""Every UI string exists in both languages."""
from layers import i18n


def test_every_string_has_chinese_and_english():
    tables = [i18n.STRINGS, *i18n.PAGE_STRINGS.values()]
    missing = [key for table in tables for key, texts in table.items()
               if not all(texts.get(lang) for lang in i18n.LANGS)]
    assert missing == []


def test_page_tables_return_the_chosen_language():
    assert i18n.page("edit", "zh")["title"] == "编辑图层"
    assert i18n.page("edit", "en")["title"] == "Edit layers"
