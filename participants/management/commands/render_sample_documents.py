"""`python manage.py render_sample_documents OUTDIR`: one handlingsplan, one återrapport and one
avslutssammanfattning from the demo data, rendered as PDFs into OUTDIR so anyone can look at them.

It needs the seeded demo (`seed_demo`) and says so otherwise, rather than seeding by itself: a
command that writes files should not also fill a database as a side effect. It renders with the
same templates and context as the task (printing + ist.pdf.rendering.render_pdf) and writes to
disk only; the stored PDFs and the database are not touched.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ist.pdf.rendering import render_pdf
from participants.documents import printing
from participants.documents.models import Document

FILE_NAMES = {
    Document.Kind.ACTION_PLAN: "handlingsplan.pdf",
    Document.Kind.REPORT: "aterrapport.pdf",
    Document.Kind.CLOSING: "avslutssammanfattning.pdf",
}


class Command(BaseCommand):
    help = "Skriver en handlingsplan, en återrapport och en avslutssammanfattning från demodata som PDF till OUTDIR."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("outdir", type=Path)

    def handle(self, *args: Any, outdir: Path, **options: Any) -> None:
        finalised = Document.objects.exclude(status=Document.Status.DRAFT).select_related(
            "enrollment__participant", "enrollment__team", "enrollment__responsible", "finalised_by", "created_by"
        )
        chosen = {kind: finalised.filter(kind=kind).order_by("pk").first() for kind in FILE_NAMES}
        lacking = [str(Document.Kind(kind).label) for kind, document in chosen.items() if document is None]
        if lacking:
            raise CommandError(
                f"Det finns ingen slutförd {', '.join(lacking)} i databasen. "
                "Kör `python manage.py seed_demo` (med DEBUG=true) först."
            )
        outdir.mkdir(parents=True, exist_ok=True)
        for kind, document in chosen.items():
            if document is None:  # reported above
                continue
            rendered = render_pdf(printing.template_for(document), printing.context_for(document), draft=False)
            target = outdir / FILE_NAMES[kind]
            target.write_bytes(rendered.content)
            self.stdout.write(f"{target} ({document.reference})")
