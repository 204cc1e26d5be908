"""What the audit chain keeps outside the database decides what the database cannot (issue 13, item 1).

Someone with write access to the database but without the audit key rewrote a chain keyed from its first
entry as plain SHA-256, removed entries and set the head's ``keyed`` flag back, and ``verify_audit`` said OK;
deleting the newest entries and moving the head back passed too. The declaration beside the key says where
the keyed chain begins, and the head file beside it the newest entries committed: both attacks are named.
"""

import datetime as dt
import io
import stat

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from audit import state
from audit.models import REKEYED_ACTION, AuditChainHead, AuditEntry, Scheme
from audit.services import audit_log, recorded_at, verify
from tests.audit.helpers import (
    ENTRY_TABLE,
    HEAD_TABLE,
    append,
    declare,
    legacy_chain,
    rewrite_from,
    sql,
    truncate,
)

pytestmark = pytest.mark.django_db


def verify_audit() -> str:
    """What verify_audit says: its output when it passes, its message when it exits 1."""
    out = io.StringIO()
    try:
        call_command("verify_audit", stdout=out)
    except CommandError as error:
        assert error.returncode == 1
        return f"FAILED {error}"
    return out.getvalue()


def page(client) -> str:
    """The auditors' /audit/verify/ (reading it writes nothing to the trail)."""
    response = client.get("/audit/verify/")
    assert response.status_code == 200
    return response.content.decode()


def rechain_as_plain_sha256_without(removed: list[int], *, forge: int) -> None:
    """The attack as reproduced on a copy of a live database: the entries in ``removed`` deleted, the rest
    renumbered, entry ``forge`` given another action, every digest recomputed as plain SHA-256 with the
    project's own code (AuditEntry.compute_hash under Scheme.LEGACY, which needs no key), and the head
    moved to the new end with ``keyed`` set back to 0. All in SQL: the ORM refuses to change entries."""
    sql(f"DELETE FROM {ENTRY_TABLE} WHERE seq IN ({', '.join(str(seq) for seq in removed)})")
    for new_seq, entry in enumerate(AuditEntry.objects.order_by("seq"), 1):
        sql(f"UPDATE {ENTRY_TABLE} SET seq = %s WHERE id = %s", [new_seq, entry.pk])
    sql(f"UPDATE {ENTRY_TABLE} SET action = %s WHERE seq = %s", ["auth.logout", forge])
    prev_hash = ""
    for entry in AuditEntry.objects.order_by("seq"):
        entry.prev_hash, entry.scheme = prev_hash, Scheme.LEGACY
        prev_hash = entry.compute_hash()
        sql(f"UPDATE {ENTRY_TABLE} SET prev_hash = %s, hash = %s, scheme = %s WHERE id = %s",
            [entry.prev_hash, prev_hash, Scheme.LEGACY.value, entry.pk])
    last = AuditEntry.objects.order_by("-seq").first()
    sql(f"UPDATE {HEAD_TABLE} SET last_seq = %s, last_hash = %s, keyed = %s WHERE id = 1", [last.seq, last.hash, False])


def sign_ins_and_work():
    """Ten entries; tanaka's two sign-ins are 4 and 7."""
    for i in range(10):
        if i in (3, 6):
            audit_log(action="auth.login", actor_label="tanaka", payload={"i": i})
        else:
            audit_log(action="test.event", payload={"i": i})


def test_a_chain_keyed_from_the_start_rewritten_as_plain_sha256_is_broken_at_its_first_entry(client_as, auditor):
    client = client_as(auditor)
    sign_ins_and_work()
    count = AuditEntry.objects.count()
    rechain_as_plain_sha256_without([4, 7], forge=3)

    # The forged chain holds together on its own terms: it is the old "carried over from before the key".
    assert verify(entries=AuditEntry.objects.order_by("seq")).broken is None
    assert AuditEntry.objects.count() == count - 2 and not AuditChainHead.objects.get(pk=1).keyed

    result = verify()
    assert (result.broken, result.reason) == (1, "scheme")
    said = verify_audit()
    assert said.startswith("FAILED BROKEN at seq 1: an entry without the audit key")
    assert "keyed from seq 1" in said
    assert "連番 1 で不整合があります" in page(client)

    # The app's next entry does not bless the forgery with a rekeyed marker: the database's flag decides nothing.
    entry = audit_log(action="test.event")
    assert not AuditEntry.objects.filter(action=REKEYED_ACTION).exists()
    assert entry.scheme == Scheme.KEYED and entry.prev_hash == AuditEntry.objects.get(seq=entry.seq - 1).hash
    assert verify().broken == 1
    assert verify_audit().startswith("FAILED BROKEN at seq 1")


def test_the_newest_entries_deleted_and_the_head_moved_back_are_named_as_missing(client_as, auditor):
    client = client_as(auditor)
    append(20)
    last = AuditEntry.objects.order_by("-seq").first().seq
    truncate(3)

    result = verify()
    assert (result.broken, result.reason, result.missing) == (last - 2, "truncated", (last - 2, last))
    assert f"entries {last - 2}\u2013{last} missing" in verify_audit()
    assert f"連番 {last - 2}〜{last} の記録がありません" in page(client)


def test_the_newest_entries_deleted_and_the_chain_continued_by_the_app_is_named_where_it_was_rewound():
    append(20)
    last = AuditEntry.objects.order_by("-seq").first().seq
    truncate(3)
    append(5)  # the app goes on writing genuine keyed entries after the moved-back head, past the old end

    result = verify()
    assert (result.broken, result.reason) == (last - 2, "head_file")
    assert f"BROKEN at seq {last - 2}" in verify_audit() and "entries were removed from here" in verify_audit()


def test_a_rewritten_entry_the_head_file_recorded_is_named():
    append(6)
    rewrite_from(6, action="tampered", scheme=Scheme.LEGACY)
    # Caught as unkeyed already; as a keyed guess it is caught by its digest, and the head file agrees.
    assert verify().broken == 6
    sql(f"UPDATE {ENTRY_TABLE} SET hash = %s WHERE seq = 6", ["0" * 64])
    assert verify().broken == 6


def test_a_missing_head_file_is_reported_not_ok(client_as, auditor):
    client = client_as(auditor)
    append(5)
    state.heads_path().unlink()

    result = verify()
    assert result.broken is None and result.external == "missing" and not result.ok
    said = verify_audit()
    assert said.startswith("FAILED HEAD FILE MISSING") and "a truncation cannot be seen" in said
    assert "末尾ファイル）が見つからない" in page(client)
    assert "改ざんされていません" not in page(client)


def test_a_head_file_older_than_the_chain_is_reported_once_the_commits_are_not_new():
    with recorded_at(timezone.now() - dt.timedelta(minutes=5)):
        append(5)
    lines = state.heads_path().read_text().splitlines()
    state.heads_path().write_text("\n".join(lines[:3]) + "\n")

    result = verify()
    assert result.external == "behind" and not result.ok
    assert "HEAD FILE BEHIND THE CHAIN" in verify_audit() and "records up to seq 3" in verify_audit()


def test_an_entry_just_committed_may_reach_the_head_file_a_moment_later():
    append(5)
    lines = state.heads_path().read_text().splitlines()
    state.heads_path().write_text("\n".join(lines[:4]) + "\n")
    assert verify().ok


def test_an_empty_trail_needs_no_head_file():
    assert verify().ok


def test_a_fresh_installation_declares_itself_keyed_from_seq_1_outside_the_database_once():
    path = state.state_dir() / state.DECLARATION
    assert not path.exists()
    audit_log(action="test.event")
    declared = state.read_declaration()
    assert (declared.legacy_last_seq, declared.keyed_from) == (0, 1)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    written = path.read_bytes()
    AuditChainHead.objects.filter(pk=1).update(keyed=False)
    append(3)
    assert path.read_bytes() == written


def test_each_committed_entry_is_a_line_of_the_head_file_and_a_rolled_back_one_is_not():
    first = audit_log(action="test.event")
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_log(action="test.rolled_back")
        raise RuntimeError
    second = audit_log(action="test.event")
    lines = [line.split()[:2] for line in state.heads_path().read_text().splitlines()]
    assert lines == [[str(first.seq), first.hash], [str(second.seq), second.hash]]
    assert stat.S_IMODE(state.heads_path().stat().st_mode) == 0o600
    assert verify().ok


@pytest.mark.django_db(transaction=True)
def test_a_real_commit_appends_the_head_file():
    entry = audit_log(action="test.event")
    assert state.heads_path().read_text().split()[:2] == [str(entry.seq), entry.hash]


def test_a_carried_over_chain_declared_outside_the_database_still_verifies():
    old = legacy_chain(5)
    declare(5)
    append(2)
    declared = state.read_declaration()
    assert (declared.legacy_last_seq, declared.legacy_last_digest) == (5, old[-1].hash)
    assert verify().ok
    assert "OK 8 entries" in verify_audit()


def test_a_plain_entry_past_the_declared_range_breaks_the_chain_and_the_app_does_not_bless_it():
    legacy_chain(5)
    declare(5)
    append(3)  # the marker at 6, then 7-9
    # Everything after the old range removed and replaced by plain entries, the head moved back to "unkeyed".
    sql(f"DELETE FROM {ENTRY_TABLE} WHERE seq > 5")
    sql(f"UPDATE {HEAD_TABLE} SET last_seq = 5, last_hash = %s, keyed = %s WHERE id = 1",
        [AuditEntry.objects.get(seq=5).hash, False])
    prev = AuditEntry.objects.get(seq=5)
    for seq in (6, 7):
        entry = AuditEntry(seq=seq, created_at=prev.created_at, action="old.event", prev_hash=prev.hash,
                           scheme=Scheme.LEGACY)
        entry.hash = entry.compute_hash()
        entry.save()
        prev = entry
    sql(f"UPDATE {HEAD_TABLE} SET last_seq = 7, last_hash = %s WHERE id = 1", [prev.hash])

    assert (verify().broken, verify().reason) == (6, "scheme")
    assert "FAILED BROKEN at seq 6: an entry without the audit key" in verify_audit()
    audit_log(action="test.event")
    assert AuditEntry.objects.filter(action=REKEYED_ACTION).count() == 0
    assert verify().broken == 6


# --- A chain of plain entries alone is declared by a person, never by the app (review of issue 13, item 1) -----


def test_a_forged_all_plain_chain_with_the_declaration_lost_is_reported_and_not_blessed(client_as, auditor):
    # The state directory lost (or misconfigured: an empty one), and the chain rewritten as plain SHA-256: made from
    # the database alone, the declaration would have called the forgery "carried over from before the key".
    client = client_as(auditor)
    sign_ins_and_work()
    rechain_as_plain_sha256_without([4, 7], forge=3)
    (state.state_dir() / state.DECLARATION).unlink()
    state.heads_path().unlink()
    last = AuditEntry.objects.order_by("-seq").first().seq

    result = verify()
    assert not result.ok and result.broken is None
    assert f"entries 1-{last} are plain SHA-256 and no declaration" in result.undeclared
    said = verify_audit()
    assert said.startswith(f"FAILED DECLARATION MISSING: entries 1-{last} are plain SHA-256")
    assert "audit_declare" in said
    shown = page(client)
    assert f"連番 1〜{last} は監査証跡の鍵のない記録（平文の SHA-256）で" in shown
    assert "宣言（audit_chain.json）がデータベースの外にありません" in shown
    assert "改ざんされていません" not in shown
    assert not (state.state_dir() / state.DECLARATION).exists()

    # The app writes nothing after the plain entries: no rekeyed marker (nor any keyed entry) vouches for them.
    with pytest.raises(state.DeclarationMissing, match="audit_declare"):
        audit_log(action="test.event")
    assert not AuditEntry.objects.filter(action=REKEYED_ACTION).exists()
    assert AuditEntry.objects.order_by("-seq").first().seq == last
    assert not (state.state_dir() / state.DECLARATION).exists()
    assert verify_audit().startswith("FAILED DECLARATION MISSING")


def test_the_administrator_declares_an_old_chain_once_with_the_digest_of_its_last_entry():
    old = legacy_chain(5)
    with pytest.raises(state.DeclarationMissing):
        audit_log(action="test.event")
    with pytest.raises(CommandError, match="entry 5 has another digest than the one given"):
        call_command("audit_declare", "--legacy-through", "5", "--digest", "0" * 64)
    with pytest.raises(CommandError, match="plain entries after seq 4"):
        call_command("audit_declare", "--legacy-through", "4", "--digest", old[3].hash)
    assert state.read_declaration() is None

    said = declare(5)
    assert "entries 1-5 were carried over from before the audit key" in said
    assert "the next entry the app writes is the audit.chain.rekeyed marker" in said
    declared = state.read_declaration()
    assert (declared.legacy_last_seq, declared.legacy_last_digest) == (5, old[-1].hash)
    with pytest.raises(CommandError, match="a declaration exists already and is never rewritten"):
        declare(5)

    audit_log(action="test.event")
    assert AuditEntry.objects.get(seq=6).action == REKEYED_ACTION
    assert "OK 7 entries" in verify_audit()


def test_a_lost_declaration_of_a_chain_keyed_from_its_first_entry_is_made_again_and_said_so():
    append(3)
    (state.state_dir() / state.DECLARATION).unlink()
    said = verify_audit()
    assert said.startswith("OK 3 entries")
    assert "declared now, from what the chain proves: this installation's chain is keyed from seq 1" in said
    assert state.read_declaration().legacy_last_seq == 0
    assert "declared now" not in verify_audit()


def test_a_lost_declaration_of_a_carried_over_chain_is_made_again_from_its_genuine_marker():
    old = legacy_chain(4)
    declare(4)
    append(2)
    (state.state_dir() / state.DECLARATION).unlink()
    said = verify_audit()
    assert "OK 7 entries" in said and "declared now" in said
    assert (state.read_declaration().legacy_last_seq, state.read_declaration().legacy_last_digest) == (4, old[-1].hash)


def test_work_that_needs_an_entry_while_the_chain_is_undeclared_gets_a_page_saying_why_not_a_500(client, world):
    # A person signing in (the sign-in is audited) while plain entries wait for their declaration: nothing
    # happens without its entry, and the page says what the administrator does, with a 503.
    from tests.factories import PASSWORD

    with transaction.atomic():  # the world's entries are keyed: start over with a chain from before the key
        sql(f"DELETE FROM {ENTRY_TABLE}")
        sql(f"DELETE FROM {HEAD_TABLE}")
    (state.state_dir() / state.DECLARATION).unlink(missing_ok=True)
    legacy_chain(3)
    response = client.post("/accounts/login/", {"username": world.hr.username, "password": PASSWORD})
    assert response.status_code == 503
    text = response.content.decode()
    assert "監査証跡に記録できないため、操作を受け付けていません" in text
    assert "audit_declare" in text
    assert AuditEntry.objects.order_by("-seq").first().seq == 3
