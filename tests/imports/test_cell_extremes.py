"""Every column of every kind filled with extreme values: the preview lists errors at the rows, never a 5xx, and
nothing is written."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEntry
from contracts.models import Contract, Designation, Organisation
from imports.kinds import KINDS
from tests.factories import login_verified

from .helpers import administrator, coded_section, csv_bytes

EXTREMES = ["あ" * 10_000, "9223372036854775808", "-1", "0", "=HYPERLINK(\"http://x\")", "令和99年99月99日",
            "2026-13-45", "R", "　", "\t", "'; DROP TABLE x; --", "%(value)s", "{}", "\u202e"]


@pytest.mark.parametrize("kind", list(KINDS))
def test_extreme_cells_are_refused_at_their_rows(client, world, kind):
    coded_section(world)
    login_verified(client, administrator(world))
    headers = [str(c.header) for c in KINDS[kind].columns]
    rows = [[value] * len(headers) for value in EXTREMES]
    counts = (Organisation.objects.count(), Contract.objects.count(), Designation.objects.count(),
              AuditEntry.objects.count())
    response = client.post(reverse("imports:index"), {
        "kind": kind, "file": SimpleUploadedFile("x.csv", csv_bytes(headers, rows))})
    assert response.status_code == 302
    preview = client.get(response["Location"])
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "取り込めない箇所" in page and "取り込む</button>" not in page
    assert client.post(response["Location"]).status_code == 400
    assert (Organisation.objects.count(), Contract.objects.count(), Designation.objects.count(),
            AuditEntry.objects.count()) == counts
