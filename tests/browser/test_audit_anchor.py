"""Ms. Suzuki (監査) prints today's anchor from the audit trail page, on her phone too, and the line she
keeps is what verify_audit --anchor checks later (issue 7, A.2)."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from audit.services import audit_log
from tests.audit.helpers import truncate
from tests.factories import make_world

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("viewport", [{"width": 390, "height": 844}, {"width": 1280, "height": 900}])
def test_the_auditor_reads_todays_anchor_and_it_later_catches_a_truncation(new_page, sign_in, viewport):
    world = make_world()
    for i in range(6):
        audit_log(action="test.event", payload={"i": i})
    page = sign_in(new_page(viewport=viewport), world.auditor)
    page.goto("/audit/")
    section = page.get_by_role("region", name="本日のアンカー（印刷して保管）")
    assert section.is_visible()
    line = section.locator("code").last.inner_text()
    assert line.startswith("audit-anchor seq=")
    # The line wraps on the phone instead of pushing the page sideways.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.emulate_media(media="print")
    assert section.is_visible()

    out = io.StringIO()
    call_command("verify_audit", f"--anchor={line}", stdout=out)
    assert "held" in out.getvalue()
    truncate(5)
    with pytest.raises(CommandError, match="NOT HELD"):
        call_command("verify_audit", f"--anchor={line}")
