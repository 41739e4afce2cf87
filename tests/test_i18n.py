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


def test_every_string_is_used():
    """Keys built at run time: basemap_<id>, lang_<code>, plan_<year> and <property>_<enum value>."""
    from pathlib import Path

    from layers.io.basemaps import BASEMAPS
    from layers.model.catalogue import load_catalogue

    repo = Path(__file__).resolve().parent.parent
    files = [repo / "app.py", *(repo / "pages").glob("*.py"), *(repo / "layers").rglob("*.py"),
             *(repo / "layers" / "web" / "js").rglob("*.js")]
    source = "\n".join(f.read_text(encoding="utf-8") for f in files if f.name != "i18n.py")
    dynamic = {f"basemap_{b}" for b in BASEMAPS} | {f"lang_{code}" for code in i18n.LANGS} | {
        f"plan_{p}" for p in load_catalogue().plans()} | {
        f"{p.name}_{v}" for spec in load_catalogue().layers for p in spec.properties for v in p.enum or ()}
    keys = [*i18n.STRINGS, *(k for table in i18n.PAGE_STRINGS.values() for k in table if "." not in k)]
    assert '"editor_draw"' in source  # the path-keyed table is passed whole to Leaflet.draw
    unused = [k for k in keys if k not in dynamic and f'"{k}"' not in source and f"'{k}'" not in source
              and f".{k}" not in source]
    assert unused == []


def test_no_ui_text_pairs_outside_the_string_table():
    from pathlib import Path

    repo = Path(__file__).resolve().parent.parent
    files = [repo / "app.py", *(repo / "pages").glob("*.py"), *(repo / "layers").rglob("*.py")]
    offenders = [f.name for f in files if f.name != "i18n.py" and '{"zh": "' in f.read_text(encoding="utf-8")]
    assert offenders == []
