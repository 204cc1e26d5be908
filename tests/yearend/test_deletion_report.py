"""The deletion report (消去報告書): one line per registered copy and per item still at the contractor, each with
its method type, the verifier never the performer, a CD-R destroyed (never cleared), filed by the handling
manager, accepted by HR or sent back with a reason per line.

Seed, 別紙: 「業務履行後、個人情報が記録された電磁的媒体（DVD-R等）、紙媒体及びパスワード通知書は返却させ、電子データは
消去させる。また、区に電子データの消去を行ったことの報告書を提出させる。」
"""

import datetime as dt

import pytest

from audit.models import AuditEntry
from core.errors import DomainError
from handover.models import Item
from tests.handover.conftest import register_paper
from tests.year_end import (
    acknowledge,
    deliver,
    delivered,
    fill,
    filled_report,
    give_back,
    line_values,
    register_copy,
)
from yearend import deletion, permissions
from yearend.deletion_forms import DeletionLineForm
from yearend.models import CopyRecord, DeletionLine, DeletionReport

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(world, clock, cd_r):
    """The disc with the analyst and the notice with the manager; one copy on the analysis PC. Then February."""
    disc, notice = delivered(world, clock, cd_r)
    clock.advance(days=1)
    copy = register_copy(world, disc)
    clock.set(clock.now() + dt.timedelta(days=240))
    return disc, notice, copy


def _line(report, *, copy=None, item=None) -> DeletionLine:
    line = deletion.lines_of(report).get(copy=copy) if copy else deletion.lines_of(report).get(item=item)
    line.report = report
    return line


def test_a_report_starts_with_a_line_for_every_copy_and_every_item_still_held(world, year):
    disc, notice, copy = year
    report = deletion.deletion_report_create(contract=world.contract, actor=world.manager)
    assert {(line.copy_id, line.item_id) for line in report.lines.all()} == {
        (copy.pk, None), (None, disc.pk), (None, notice.pk)}
    assert report.status == DeletionReport.Status.DRAFT and report.created_by == world.manager


def test_a_report_missing_a_registered_copy_is_refused(world, year, clock):
    disc, _notice, _copy = year
    report = filled_report(world)
    clock.advance(hours=1)
    late = register_copy(world, disc, by=world.manager, place=CopyRecord.Place.BACKUP, location="BK-01")
    with pytest.raises(deletion.ReportIncomplete) as refused:
        deletion.deletion_report_submit(report=report, actor=world.manager)
    assert any("複製 No.2（暗号化したバックアップ BK-01）" in problem for problem in refused.value.problems)
    report.refresh_from_db()
    assert report.status == DeletionReport.Status.DRAFT and report.submitted_at is None
    line = deletion.deletion_line_add(report=report, actor=world.manager, target=f"copy:{late.pk}")
    line.report = report
    fill(line, world)
    assert deletion.deletion_report_submit(report=report, actor=world.manager).is_submitted


def test_a_held_item_without_a_line_is_refused(world, year):
    disc, _notice, _copy = year
    report = filled_report(world)
    deletion.deletion_line_remove(line=_line(report, item=disc), actor=world.manager)
    with pytest.raises(deletion.ReportIncomplete) as refused:
        deletion.deletion_report_submit(report=report, actor=world.manager)
    assert any("CD-R CD-2025-001" in problem for problem in refused.value.problems)


def test_a_line_left_empty_is_refused(world, year):
    report = deletion.deletion_report_create(contract=world.contract, actor=world.manager)
    with pytest.raises(deletion.ReportIncomplete, match="記入されていません"):
        deletion.deletion_report_submit(report=report, actor=world.manager)


def test_the_verifier_cannot_be_the_performer(world, year):
    _disc, _notice, copy = year
    report = deletion.deletion_report_create(contract=world.contract, actor=world.manager)
    line = _line(report, copy=copy)
    with pytest.raises(DomainError) as refused:
        fill(line, world, performer=world.handler, verifier=world.handler)
    assert refused.value.field == "verifier" and refused.value.code == "verifier_is_performer"
    line.refresh_from_db()
    assert not line.is_filled


@pytest.mark.parametrize("method_type", [DeletionLine.Method.CLEAR, DeletionLine.Method.PURGE])
def test_a_cd_r_is_destroyed_never_cleared(world, year, method_type):
    """A written CD-R can be neither cleared nor purged (NIST SP 800-88 Rev. 1, optical media: Destroy)."""
    disc, _notice, _copy = year
    report = deletion.deletion_report_create(contract=world.contract, actor=world.manager)
    line = _line(report, item=disc)
    with pytest.raises(DomainError, match="破壊") as refused:
        fill(line, world, method_type=method_type, tool_version="1.0")
    assert refused.value.code == "destroy_only" and refused.value.field == "method_type"
    assert fill(line, world, method_type=DeletionLine.Method.DESTROY).method_type == "destroy"
    # The page offers a CD-R only 破壊, with the reason.
    form = DeletionLineForm.for_line(line, people=deletion.sanitisers(world.contract),
                                     destroy_only=deletion.destroy_only_reason(line))
    assert [value for value, _label in form.fields["method_type"].choices] == ["destroy"]


def test_a_copy_written_to_a_dvd_r_is_destroyed_too_and_paper_is_shredded(world, year, clock, cd_r):
    disc, _notice, _copy = year
    from handover.models import MediumKind

    dvd = MediumKind.objects.get(name="DVD-R")
    burned = register_copy(world, disc, place=CopyRecord.Place.OTHER_MEDIUM, location="DVD-01", medium_kind=dvd)
    report = deletion.deletion_report_create(contract=world.contract, actor=world.manager)
    with pytest.raises(DomainError, match="DVD-R"):
        fill(_line(report, copy=burned), world, method_type=DeletionLine.Method.CLEAR)
    notice_line = deletion.lines_of(report).get(item__category=Item.Category.NOTICE)
    notice_line.report = report
    with pytest.raises(DomainError, match="シュレッダー"):
        fill(notice_line, world, method_type=DeletionLine.Method.PURGE)


@pytest.mark.parametrize("method_type", [DeletionLine.Method.CLEAR, DeletionLine.Method.PURGE])
def test_a_copy_of_unknown_kind_is_destroyed_never_cleared(world, year, method_type):
    """Issue 13, 8: 「A copy registered as "other medium" without a medium kind, described as a CD-R, can be reported as
    cleared instead of destroyed. … unknown kinds are destroy-only.」 Unknown: a copy registered without its kind
    (before the kind was required), or a kind the ward added without saying it can be erased."""
    from handover.models import MediumKind

    disc, _notice, _copy = year
    kindless = register_copy(world, disc, place=CopyRecord.Place.OTHER_MEDIUM, location="CD-R 1枚",
                             medium_kind=MediumKind.objects.get(name="CD-R"))
    CopyRecord.objects.filter(pk=kindless.pk).update(medium_kind=None)  # as registered before the rule
    new_kind = MediumKind.objects.create(name="BD-R")  # added in the admin, box left as it came
    unknown = register_copy(world, disc, place=CopyRecord.Place.OTHER_MEDIUM, location="BD-01", medium_kind=new_kind)
    usb = MediumKind.objects.create(name="USBメモリ", destroy_only=False)  # the ward said it can be erased
    stick = register_copy(world, disc, place=CopyRecord.Place.OTHER_MEDIUM, location="USB-01", medium_kind=usb)
    report = deletion.deletion_report_create(contract=world.contract, actor=world.manager)
    for copy, words in ((kindless, "媒体の種類が記録されていない"), (unknown, "BD-R")):
        line = _line(report, copy=copy)
        with pytest.raises(DomainError, match=words) as refused:
            fill(line, world, method_type=method_type, tool_version="1.0")
        assert refused.value.code == "destroy_only" and refused.value.field == "method_type"
        line.refresh_from_db()
        assert not line.is_filled
        # The page offers such a copy only 破壊, with the reason.
        form = DeletionLineForm.for_line(line, people=deletion.sanitisers(world.contract),
                                         destroy_only=deletion.destroy_only_reason(line))
        assert [value for value, _label in form.fields["method_type"].choices] == ["destroy"]
        assert fill(line, world, method_type=DeletionLine.Method.DESTROY).method_type == "destroy"
    assert fill(_line(report, copy=stick), world, method_type=method_type, tool_version="1.0").method_type == method_type


def test_clearing_and_purging_name_the_tools_version(world, year):
    _disc, _notice, copy = year
    report = deletion.deletion_report_create(contract=world.contract, actor=world.manager)
    with pytest.raises(DomainError) as refused:
        fill(_line(report, copy=copy), world, tool_version="")
    assert refused.value.field == "tool_version"


def test_a_deletion_dated_before_the_copy_was_made_or_in_the_future_is_refused(world, year, clock):
    _disc, _notice, copy = year
    report = deletion.deletion_report_create(contract=world.contract, actor=world.manager)
    line = _line(report, copy=copy)
    with pytest.raises(DomainError) as early:
        fill(line, world, performed_on=dt.date(2025, 6, 1))
    assert early.value.field == "performed_on"
    with pytest.raises(DomainError, match="これから先"):
        fill(line, world, performed_on=clock.now().date() + dt.timedelta(days=2))


def test_only_the_manager_files_and_only_hr_decides(world, year):
    assert permissions.may_file_deletion_report(world.handler, world.contract).forbidden
    assert permissions.may_file_deletion_report(world.hr, world.contract).forbidden
    with pytest.raises(DomainError):
        deletion.deletion_report_create(contract=world.contract, actor=world.handler)
    report = deletion.deletion_report_submit(report=filled_report(world), actor=world.manager)
    assert permissions.may_decide_deletion_report(world.manager, report).forbidden
    with pytest.raises(DomainError):
        deletion.deletion_report_accept(report=report, actor=world.manager)
    assert permissions.may_edit_deletion_report(world.manager, report).code == "not_with_contractor"


def test_hr_sends_one_line_back_with_its_reason_and_accepts_it_corrected(world, year):
    disc, notice, copy = year
    report = deletion.deletion_report_submit(report=filled_report(world), actor=world.manager)
    line = _line(report, copy=copy)
    with pytest.raises(DomainError, match="理由"):
        deletion.deletion_report_return(report=report, actor=world.hr, reasons={line.pk: "  "})
    deletion.deletion_report_return(report=report, actor=world.hr,
                                    reasons={line.pk: "消去ソフトの完了レポートの番号を備考に書いてください"})
    line.refresh_from_db()
    report.refresh_from_db()
    assert report.status == DeletionReport.Status.RETURNED and line.return_reason.startswith("消去ソフト")
    assert not deletion.lines_of(report).exclude(pk=line.pk).exclude(return_reason="").exists()
    entry = AuditEntry.objects.get(action="handover.deletion.returned")
    assert list(entry.payload["lines"].values()) == ["消去ソフトの完了レポートの番号を備考に書いてください"]

    line.report = report
    fill(line, world, notes="完了レポート No.2026-17")
    deletion.deletion_report_submit(report=report, actor=world.manager)
    report.refresh_from_db()
    assert report.submission_count == 2
    deletion.deletion_report_accept(report=report, actor=world.hr)
    report.refresh_from_db()
    assert report.is_accepted and report.decided_by == world.hr
    # Every item the report covers is destroyed now; the copy is accounted for.
    assert set(Item.objects.filter(pk__in=[disc.pk, notice.pk]).values_list("state", flat=True)) == {
        Item.State.DISPOSED}
    assert deletion.copies_to_cover(world.contract) == []
    assert AuditEntry.objects.get(action="handover.deletion.accepted").payload["disposed"] == [
        "CD-2025-001", "PN-2025-001"]


def test_accepting_checks_the_register_again(world, year, clock):
    disc, _notice, _copy = year
    report = deletion.deletion_report_submit(report=filled_report(world), actor=world.manager)
    clock.advance(minutes=30)
    register_copy(world, disc, location="ANL-PC-02")
    with pytest.raises(deletion.ReportIncomplete, match="差し戻して"):
        deletion.deletion_report_accept(report=report, actor=world.hr)
    report.refresh_from_db()
    assert report.is_submitted


def test_an_item_returned_instead_must_leave_the_report(world, year, clock):
    _disc, notice, _copy = year
    report = filled_report(world)
    acknowledge(give_back(world, [notice], actor=world.manager), world.hr)
    with pytest.raises(deletion.ReportIncomplete, match="この行を削除してください"):
        deletion.deletion_report_submit(report=report, actor=world.manager)
    deletion.deletion_line_remove(line=_line(report, item=notice), actor=world.manager)
    assert deletion.deletion_report_submit(report=report, actor=world.manager).is_submitted


def test_a_second_report_covers_only_what_the_first_did_not(world, year, clock):
    disc, _notice, _copy = year
    first = deletion.deletion_report_submit(report=filled_report(world), actor=world.manager)
    deletion.deletion_report_accept(report=first, actor=world.hr)
    assert permissions.may_file_deletion_report(world.manager, world.contract).code == "all_covered"
    # A copy found afterwards: a copy nobody deletes is a copy to report.
    clock.advance(days=1)
    register_copy(world, disc, by=world.manager, location="ANL-PC-09",
                  made_at=clock.now() - dt.timedelta(days=200))
    second = deletion.deletion_report_create(contract=world.contract, actor=world.manager)
    assert [deletion.line_label(line) for line in deletion.lines_of(second)] == ["複製 No.2（分析用PC ANL-PC-09）"]


def test_nothing_can_be_filed_before_the_contractor_received_anything(world, clock, cd_r):
    paper = register_paper(world)
    deliver(world, [paper])
    answer = permissions.may_file_deletion_report(world.manager, world.contract)
    assert not answer and answer.code == "nothing_received"


def test_lines_written_on_the_page_say_why_at_the_field(world, year, client_as):
    from django.urls import reverse

    _disc, _notice, copy = year
    report = deletion.deletion_report_create(contract=world.contract, actor=world.manager)
    line = deletion.lines_of(report).get(copy=copy)
    values = line_values(line, world)
    data = {"method_type": "purge", "method": values["method"], "tool": values["tool"], "tool_version": "3.2.1",
            "performed_on": values["performed_on"].isoformat(), "performer": world.manager.pk,
            "verifier": world.manager.pk, "verification": "目視"}
    url = reverse("yearend:deletion_line", args=[world.contract.slug, report.pk, line.pk])
    response = client_as(world.manager).post(url, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "確認者は実施者とは別の方にしてください" in page and 'value="データ消去ソフト"' in page


def test_the_items_history_says_it_was_destroyed_as_the_accepted_report_says(world, year, client_as):
    from django.urls import reverse

    disc, _notice, _copy = year
    report = deletion.deletion_report_submit(report=filled_report(world), actor=world.manager)
    deletion.deletion_report_accept(report=report, actor=world.hr)
    page = client_as(world.auditor).get(reverse("handover:item_detail", args=[world.contract.slug, disc.pk]))
    text = page.content.decode()
    assert "破壊・消去済み（消去報告書受理）" in text
    assert "消去報告書 No.1 の受理（破壊（Destroy））" in text and "シュレッダーによる粉砕" in text


def test_the_line_page_names_each_method_type_in_japanese_with_the_nist_word_in_brackets(world, year, client_as):
    import re

    from django.urls import reverse

    _disc, _notice, copy = year
    report = deletion.deletion_report_create(contract=world.contract, actor=world.manager)
    line = deletion.lines_of(report).get(copy=copy)
    url = reverse("yearend:deletion_line", args=[world.contract.slug, report.pk, line.pk])
    page = client_as(world.manager).get(url).content.decode()
    assert "消去（Clear）" in page and "完全消去（Purge）" in page and "破壊（Destroy）" in page
    rest = re.sub(r"完全消去（Purge）|消去（Clear）|破壊（Destroy）", "", page)
    assert re.findall(r"Clear|Purge|Destroy", rest) == []
