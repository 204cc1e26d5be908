"""HR's year on one contract page: steps recorded with their date and undone only with a reason, the copy
into the next year shown before it is made, an early 履行開始 confirmed. Issue 7, B.14 and B.15."""

import datetime as dt

import pytest
from django.utils import timezone

from checklist.models import Checklist, Mark
from contracts import services
from contracts.models import Contract
from tests.checklist.helpers import ensure_template, finalise_plan
from tests.factories import make_world

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_step_is_completed_on_its_date_and_undone_only_with_a_reason(new_page, sign_in):
    world = make_world()
    page = sign_in(new_page(), world.hr)
    page.goto(f"/contracts/{world.contract.slug}/")
    step = page.locator("#step-3")
    step.get_by_role("link", name="完了にする").click()
    page.get_by_label("完了日時").fill("2025-10-13T10:00")
    page.get_by_label("備考").fill("CD-Rで送付（手渡し）")
    page.get_by_role("button", name="完了として記録する").click()
    assert page.get_by_text("を完了として記録しました。").is_visible()
    assert page.locator("#step-3").get_by_text("令和7年10月13日 10:00・CD-Rで送付（手渡し）").is_visible()

    # The mis-click of the issue: 「未了に戻す」 now opens a page that says what would be undone.
    page.locator("#step-3").get_by_role("link", name="未了に戻す").click()
    assert page.get_by_text("令和7年10月13日 10:00・CD-Rで送付（手渡し）").is_visible()
    page.get_by_role("button", name="未了に戻す").click()
    assert page.get_by_label("未了に戻す理由").get_attribute("aria-invalid") == "true"
    assert world.contract.steps.get(step=3).is_done
    page.get_by_role("link", name="キャンセル").click()
    assert world.contract.steps.get(step=3).is_done

    page.locator("#step-3").get_by_role("link", name="未了に戻す").click()
    page.get_by_label("未了に戻す理由").fill("日付を誤ったため")
    page.get_by_role("button", name="未了に戻す").click()
    assert page.get_by_text("を未了に戻しました。").is_visible()
    assert not world.contract.steps.get(step=3).is_done
    history = page.locator("#step-3 details.step-history")
    history.locator("summary").click()
    assert history.get_by_text("完了（令和7年10月13日 10:00）・備考: CD-Rで送付（手渡し）").is_visible()
    assert history.get_by_text("未了に戻した・理由: 日付を誤ったため").is_visible()


def test_the_copy_shows_what_it_carries_and_copies_exactly_that(new_page, sign_in):
    ensure_template()
    world = make_world()
    finalise_plan(world, **{"ward.operational.03": (Mark.NOT_NEEDED, "再委託なし")})
    page = sign_in(new_page(), world.hr)
    page.goto(f"/contracts/{world.contract.slug}/")
    page.get_by_role("link", name="翌年度の契約としてコピーする").click()
    assert page.get_by_text("令和8年5月1日から令和9年3月31日まで").is_visible()
    assert page.get_by_text("○ 47項目・ー 1項目").is_visible()
    assert not Contract.objects.filter(previous=world.contract).exists()
    page.get_by_label("山田 美咲・取扱者").uncheck()
    page.get_by_role("button", name="令和8年度の契約を作成する").click()
    assert page.get_by_text("翌年度の契約を作成しました。").is_visible()
    copy = Contract.objects.get(previous=world.contract)
    assert [d.user.username for d in copy.designations.all()] == ["manager_a"]
    assert copy.designations.get().status == "reported"
    assert Checklist.objects.get(contract=copy).is_draft
    assert copy.memberships.filter(user=world.auditor, role="auditor").exists()


def test_starting_months_early_asks_to_confirm(new_page, sign_in):
    world = make_world()
    today = timezone.localdate()
    month = today.month - 1 + 6
    start = dt.date(today.year + month // 12, month % 12 + 1, 1)
    months = 6 if today.day == 1 else 5
    fields = {f: getattr(world.contract, f) for f in services.CONTRACT_FIELDS}
    fields.update(start_date=start, end_date=start + dt.timedelta(days=300), fiscal_year=start.year, title="来年度の契約")
    draft = services.contract_create(actor=world.hr, **fields)
    page = sign_in(new_page(), world.hr)
    page.goto(f"/contracts/{draft.slug}/")
    page.get_by_role("link", name="履行開始（履行中にする）").click()
    assert page.get_by_text(f"の{months}か月前です。").first.is_visible()
    page.get_by_role("button", name="履行中にする").click()
    assert page.get_by_text("確認の欄に印を付けてください").first.is_visible()
    draft.refresh_from_db()
    assert draft.status == Contract.Status.DRAFT
    page.get_by_label(f"の{months}か月前です。開始日前ですが、履行開始にします。").check()
    page.get_by_role("button", name="履行中にする").click()
    assert page.get_by_text("契約を履行中にしました。").is_visible()
    draft.refresh_from_db()
    assert draft.status == Contract.Status.ACTIVE
