"""Anchors kept outside the database: ``audit_anchor`` prints one line, ``verify_audit --anchor LINE``
says whether the chain still holds it (issue 7, A.2). A truncation after an anchor is caught."""

import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from audit.models import AuditEntry
from audit.services import Anchor, parse_anchor, verify
from tests.audit.helpers import append, rewrite_from, truncate

pytestmark = pytest.mark.django_db


def _anchor(capsys) -> str:
    call_command("audit_anchor")
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    return out.strip()


def _verify(*anchors):
    args = [f"--anchor={line}" for line in anchors]
    call_command("verify_audit", *args)


def test_audit_anchor_prints_one_line_naming_the_latest_entry_and_its_digest(capsys):
    append(7)
    latest = AuditEntry.objects.order_by("-seq").first()
    line = _anchor(capsys)
    assert re.fullmatch(rf"audit-anchor seq={latest.seq} digest={latest.hash} at=\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\d\+09:00",
                        line), line
    assert parse_anchor(line).seq == latest.seq and parse_anchor(line).digest == latest.hash


def test_audit_anchor_on_an_empty_trail_says_so():
    assert not AuditEntry.objects.exists()
    with pytest.raises(CommandError, match="no entries yet"):
        call_command("audit_anchor")


def test_an_anchor_the_chain_still_holds_verifies(capsys):
    append(10)
    line = _anchor(capsys)
    append(3)
    _verify(line)
    out = capsys.readouterr().out.splitlines()
    seq = parse_anchor(line).seq
    assert out[0].startswith("OK ") and f"anchor seq={seq} held" in out


def test_deleting_the_last_five_entries_and_moving_the_head_back_is_caught_by_the_anchor(capsys):
    append(20)
    line = _anchor(capsys)
    seq = parse_anchor(line).seq
    truncate(5)
    # The chain alone is consistent again; the head file outside the database and the anchor both say not.
    assert verify().reason == "truncated"
    with pytest.raises(CommandError) as excinfo:
        _verify(line)
    assert excinfo.value.returncode == 1
    message = str(excinfo.value)
    assert f"ANCHOR seq={seq} NOT HELD" in message
    assert f"the chain now ends at seq {seq - 5}" in message


def test_a_truncation_that_keeps_the_anchored_entry_is_caught_by_a_later_anchor(capsys):
    append(10)
    first = _anchor(capsys)
    append(10)
    second = _anchor(capsys)
    truncate(5)
    with pytest.raises(CommandError) as excinfo:
        _verify(first, second)
    message = str(excinfo.value)
    assert f"ANCHOR seq={parse_anchor(second).seq} NOT HELD" in message
    assert f"seq={parse_anchor(first).seq} NOT HELD" not in message


def test_a_rewrite_of_the_whole_chain_without_the_key_is_caught_by_the_anchor(capsys):
    from audit.models import Scheme

    append(12)
    line = _anchor(capsys)
    rewrite_from(1, action="tampered", scheme=Scheme.LEGACY)
    # Plain SHA-256 where the installation is declared keyed from seq 1, and the auditor's digest too.
    assert verify().broken == 1
    with pytest.raises(CommandError, match=rf"ANCHOR seq={parse_anchor(line).seq} NOT HELD: .*rewritten"):
        _verify(line)


def test_the_digest_may_be_copied_back_in_groups():
    append(3)
    latest = AuditEntry.objects.order_by("-seq").first()
    anchor = Anchor(seq=latest.seq, digest=latest.hash)
    typed = f"audit-anchor seq={anchor.seq} digest={anchor.digest_groups.upper()} at=2026-11-26T09:00:00+09:00"
    assert parse_anchor(typed).digest == latest.hash
    assert verify(anchors=[parse_anchor(typed)]).ok


@pytest.mark.parametrize("line", ["", "seq=12", "audit-anchor seq=12 digest=abc", "seq=x digest=" + "0" * 64])
def test_a_line_that_is_not_an_anchor_is_refused_with_exit_2(line):
    with pytest.raises(CommandError) as excinfo:
        _verify(line)
    assert excinfo.value.returncode == 2
    assert "not an audit anchor line" in str(excinfo.value)
