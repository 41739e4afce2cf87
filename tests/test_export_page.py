"""The Export page offers what the CLI offers: plan presets, sizes with orientation, note
fields and a PDF handout (run headless with Streamlit's AppTest, no browser)."""
from __future__ import annotations

import io
from pathlib import Path

from PIL import Image
from streamlit.testing.v1 import AppTest

from pages import session_keys as keys

PAGE = Path(__file__).resolve().parent.parent / "pages" / "export.py"


def _widget(elements, label):
    return next(e for e in elements if e.label == label)


def test_export_page_renders_a_portrait_png_and_a_pdf_handout():
    at = AppTest.from_file(str(PAGE), default_timeout=180)
    at.run()
    assert not at.exception
    assert {"方案预设", "尺寸", "方向"} <= {s.label for s in at.selectbox}
    assert {"审图号（可选）", "制图单位（可选）"} <= {t.label for t in at.text_input}
    _widget(at.selectbox, "方案预设").set_value("2024")
    _widget(at.selectbox, "尺寸").set_value("A4")
    at.run()
    _widget(at.selectbox, "方向").set_value("portrait")
    _widget(at.number_input, "分辨率（dpi）").set_value(72)
    _widget(at.text_input, "审图号（可选）").set_value("浙S(2026)001号")
    at.run()
    _widget(at.button, "生成预览").click()
    at.run()
    assert not at.exception and not at.error
    assert Image.open(io.BytesIO(at.session_state[keys.PNG])).size == (595, 842)
    _widget(at.multiselect, "页面").set_value(["base"])
    _widget(at.button, "生成 PDF").click()
    at.run()
    assert not at.exception and not at.error
    pdf = at.session_state[keys.PDF]
    assert pdf.startswith(b"%PDF") and b"/FontFile2" in pdf
    assert "下载 PDF" in [b.label for b in at.get("download_button")]
