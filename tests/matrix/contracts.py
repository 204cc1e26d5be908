from contracts import services
from tests.matrix import DONE, REFUSED, Row, audited, post_only, statuses


def a(w):
    return {"slug": w.contract.slug}


def designation_of(kind):
    def kwargs(w):
        d = w.contract.designations.get(user__username=kind)
        return {"slug": w.contract.slug, "pk": d.pk}
    return kwargs


def auditor_membership(w):
    m = w.contract.memberships.get(user=w.auditor, revoked_at__isnull=True)
    return {"slug": w.contract.slug, "pk": m.pk}


def open_step(w):
    return {"slug": w.contract.slug, "step": 1}


def done_step(w):
    services.contract_step_complete(contract=w.contract, step=2, actor=w.hr, note="回答期間終了")
    return {"slug": w.contract.slug, "step": 2}


APPLICATION = {
    "name": "株式会社データ入力サービス", "address": "東京都新宿区西新宿一丁目1番1号", "country": "日本",
    "work": "調査回答の入力", "data_items": "職員の所属・調査回答", "place": "本社 入力室", "manager_name": "入力 太郎",
    "handlers": "入力 花子", "flows_down": True,
}


def subcontractor(submit):
    def kwargs(w):
        sub = services.subcontractor_apply(contract=w.contract, actor=w.manager, submit=submit, **APPLICATION)
        return {"slug": w.contract.slug, "pk": sub.pk}
    return kwargs


submitted_subcontractor = subcontractor(True)
draft_subcontractor = subcontractor(False)


def application_form(w):
    return {**APPLICATION, "flows_down": "on", "action": "submit"}


# Roles that cannot see contract A at all get 404: the outsider and the other contractor.
HIDDEN = {"outsider": 404, "other": 404}

ROWS = [
    Row("contracts:list", get=statuses(200), post=statuses(405)),
    Row("contracts:create", get=statuses(403, hr=200, section_other=200), post=statuses(403, hr=200, section_other=200)),
    Row("contracts:detail", kwargs=a, get=statuses(200, **HIDDEN), post=statuses(405, **HIDDEN),
        contract_object=True),
    Row("contracts:edit", kwargs=a, get=statuses(403, hr=200, **HIDDEN), post=statuses(403, hr=200, **HIDDEN),
        contract_object=True),
    # GET: what the copy would carry; POST: the copy (contract A is recurring), then its edit page.
    Row("contracts:copy", kwargs=a, get=statuses(403, hr=200, **HIDDEN), post=statuses(403, hr=DONE, **HIDDEN),
        contract_object=True, happened=audited("contract.copied")),
    # Contract A is already in force: HR is sent back to it with a message, GET or POST.
    Row("contracts:start", kwargs=a, get=statuses(403, hr=302, **HIDDEN), post=statuses(403, hr=REFUSED, **HIDDEN),
        contract_object=True, happened=audited("contract.started")),
    Row("contracts:step_complete", kwargs=open_step, get=statuses(403, hr=200, **HIDDEN),
        post=statuses(403, hr=DONE, **HIDDEN), data=lambda w: {"completed_at": "2025-06-01T10:00"},
        contract_object=True, happened=audited("contract.step.completed")),
    Row("contracts:step_reopen", kwargs=done_step, get=statuses(403, hr=200, **HIDDEN),
        post=statuses(403, hr=DONE, **HIDDEN), data=lambda w: {"reason": "誤って完了にしたため"}, contract_object=True,
        happened=audited("contract.step.reopened")),
    Row("contracts:member_grant", kwargs=a, get=post_only(**HIDDEN), post=statuses(403, hr=DONE, **HIDDEN),
        data=lambda w: {"user": w.outsider.pk, "role": "auditor"}, contract_object=True,
        happened=audited("contract.membership.granted")),
    Row("contracts:member_revoke", kwargs=auditor_membership, get=post_only(**HIDDEN),
        post=statuses(403, hr=DONE, **HIDDEN), contract_object=True, happened=audited("contract.membership.revoked")),
    Row("contracts:designations", kwargs=a, get=statuses(200, **HIDDEN), post=statuses(405, **HIDDEN),
        contract_object=True),
    # The manager reports; HR may enter a paper report; the handler and auditor may not. An empty form is
    # refused on the page (400).
    Row("contracts:designation_report", kwargs=a, get=post_only(**HIDDEN),
        post=statuses(403, hr=400, manager=400, **HIDDEN), contract_object=True),
    Row("contracts:designation_report_new_person", kwargs=a, get=post_only(**HIDDEN),
        post=statuses(403, hr=400, manager=400, **HIDDEN), contract_object=True),
    # handler_a is approved already: approving or rejecting again is refused at its row (400).
    Row("contracts:designation_approve", kwargs=designation_of("handler_a"), get=post_only(**HIDDEN),
        post=statuses(403, hr=400, **HIDDEN), contract_object=True, happened=audited("contract.designation.approved")),
    Row("contracts:designation_reject", kwargs=designation_of("handler_a"), get=post_only(**HIDDEN),
        post=statuses(403, hr=400, **HIDDEN), contract_object=True, happened=audited("contract.designation.rejected")),
    Row("contracts:designation_revoke", kwargs=designation_of("handler_a"), get=post_only(**HIDDEN),
        post=statuses(403, hr=DONE, **HIDDEN), contract_object=True, happened=audited("contract.designation.revoked")),
    # handler_a has had an account all along: no enrolment link to send (refused at its row).
    Row("contracts:designation_resend_enrolment", kwargs=designation_of("handler_a"), get=post_only(**HIDDEN),
        post=statuses(403, hr=400, **HIDDEN), contract_object=True),
    # 再委託: everyone who sees the contract sees its subcontracting; the handling manager declares and applies;
    # HR decides.
    Row("contracts:subcontracting", kwargs=a, get=statuses(200, **HIDDEN), post=statuses(405, **HIDDEN),
        contract_object=True),
    Row("contracts:subcontracting_declare", kwargs=a, get=post_only(**HIDDEN),
        post=statuses(403, manager=DONE, **HIDDEN), data=lambda w: {"declared_on": "2025-06-01"},
        contract_object=True, happened=audited("contract.subcontracting.declared")),
    Row("contracts:subcontractor_new", kwargs=a, get=statuses(403, manager=200, **HIDDEN),
        post=statuses(403, manager=DONE, **HIDDEN), data=application_form, contract_object=True,
        happened=audited("contract.subcontractor.created", "contract.subcontractor.submitted")),
    Row("contracts:subcontractor", kwargs=submitted_subcontractor, get=statuses(200, **HIDDEN),
        post=statuses(405, **HIDDEN), contract_object=True),
    Row("contracts:subcontractor_edit", kwargs=draft_subcontractor, get=statuses(403, manager=200, **HIDDEN),
        post=statuses(403, manager=DONE, **HIDDEN), data=lambda w: {**APPLICATION, "action": "save"},
        contract_object=True, happened=audited("contract.subcontractor.updated")),
    Row("contracts:subcontractor_submit", kwargs=draft_subcontractor, get=post_only(**HIDDEN),
        post=statuses(403, manager=DONE, **HIDDEN), contract_object=True,
        happened=audited("contract.subcontractor.submitted")),
    Row("contracts:subcontractor_decide", kwargs=submitted_subcontractor, get=post_only(**HIDDEN),
        post=statuses(403, hr=DONE, **HIDDEN), data=lambda w: {"decision": "approve"}, contract_object=True,
        happened=audited("contract.subcontractor.approved")),
]

