"""PNG and PDF exports of the catalogue's layers: what the export page and the CLI call."""
from __future__ import annotations

from layers.io.exporting import load_for_export
from layers.model.catalogue import Catalogue
from layers.model.findings import ExportError
from layers.printing.printmap import ExportRequest, ExportResult, render_pdf, render_png

BASE_PAGE = "base"  # the PDF page of base data (no plan overlays)


def export_png(catalogue: Catalogue, request: ExportRequest) -> ExportResult:
    return render_png(request, catalogue, load_for_export(catalogue, request.layers))


def pdf_pages(catalogue: Catalogue) -> list[str]:
    """The handout's pages, in order: each plan framework, newest first, then the base data."""
    return sorted(catalogue.plans(), reverse=True) + [BASE_PAGE]


def page_layers(catalogue: Catalogue, name: str) -> list[str]:
    """A PDF page's layers: a plan preset, or the default-visible base layers."""
    if name == BASE_PAGE:
        return [s.id for s in catalogue.layers if s.visible and not catalogue.is_bulk_group(s.group)]
    if name not in catalogue.plans():
        raise ExportError(f"unknown PDF page '{name}'; use {', '.join(pdf_pages(catalogue))}")
    return catalogue.plan_layers(name)


def export_pdf(catalogue: Catalogue, template: ExportRequest, pages: list[str] | None = None) -> bytes:
    """A handout: one page per plan framework (and base data), each with its own legend and
    notes; the page's plan is named in its subtitle. `template` gives size, title, language
    and the note fields; its layers are ignored."""
    from dataclasses import replace

    from layers.i18n import page

    pages = pages or pdf_pages(catalogue)
    requests = []
    for name in pages:
        layers = page_layers(catalogue, name)
        plan = page("print", template.lang)["base_page"] if name == BASE_PAGE else page("export", template.lang)[f"plan_{name}"]
        subtitle = f"{template.subtitle} · {plan}" if template.subtitle else plan
        requests.append(replace(template, layers=layers, subtitle=subtitle, basemap=None, transparent=False))
    data = load_for_export(catalogue, sorted({i for r in requests for i in r.layers}))
    return render_pdf(requests, catalogue, data)
