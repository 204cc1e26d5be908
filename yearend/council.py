"""The council submission (個人情報保護管理運営会議 付議事項) as A4 PDF, from the contract's data, in the seed's
order: the 付議事項 page, 事業の概要, the 委託 table, 資料2-1 (the flow of personal information ①–⑥ between
the ward, its staff and the contractor, drawn in HTML/CSS) and 別紙 (both checklists with the plan ○/ー).

The seed's type (its six steps word for word) keeps 資料2-1's own drawing. Any other contract type gets a
drawing made from its flow steps: two lanes, 区 and 委託先 (FlowStep.actor; 区・委託先 spans both), a box per
step with its circled number, and an arrow where the data moves from one side to the other.

HR prints it in April, once the two checklists are marked, for the council; auditors keep it on file.
It holds the contract's fields and the plan, and no one's personal information (no names, no data),
so its download is audited but is not one of the personal-data downloads.
"""

from dataclasses import dataclass, field
from functools import cache

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from checklist.fixture import iter_items, read_fixture
from checklist.models import Side
from checklist.selectors import mark_symbol, side_views
from contracts.models import Contract
from contracttypes.models import FlowStep
from contracttypes.selectors import is_seed_flow, step_label, steps_for
from core.dashboard import Link
from core.dates import fiscal_year_label, wareki
from core.pdf import PDF_CONTENT_TYPE, render_pdf

from .permissions import may_export_council_submission

# 資料2-1's own words for the six steps, as the council read them (「Logoフォーム」, the number joined to
# the text); the contract page names the same steps from the type (contracttypes.selectors).
FLOW_STEPS = {
    1: gettext_lazy("①Logoフォームでフォーマットを作成し、全庁へ通知文の送付"),
    2: gettext_lazy("②Logoフォームで各自回答"),
    3: gettext_lazy("③データ取りまとめ及びCD-R等で送付"),
    4: gettext_lazy("④調査結果をもとに報告書（個人情報なし）作成"),
    5: gettext_lazy("⑤報告書（個人情報なし）およびデータ返却（CD-R等）"),
    6: gettext_lazy("⑥対応策・改善策検討"),
}

# The measures 資料2-1 lists beside each side, in its words: the system controls of that side's checklist
# (システム上の対策 1–11), one or two short phrases each. A control planned ー is not listed. The ward's
# list says 「制限」 where the contractor's says 「制御」, as in the seed.
_SYSTEM_MEASURES = {
    "01": (gettext_lazy("特定相手以外との通信不可"),),
    "02": (gettext_lazy("ネットワーク機器やサーバの制御"),),
    "03": (gettext_lazy("通信内容の暗号化"),),
    "04": (gettext_lazy("外部からの攻撃防御（ファイアウォールの設置、サーバの要塞化、侵入検知、セキュリティパッチの適用等）"),),
    "05": (gettext_lazy("ウイルス対策"), gettext_lazy("最新のパターンファイルの適用")),
    "06": (gettext_lazy("ID/パスワード等認証"),),
    "07": (gettext_lazy("ファイルのパスワード設定"), gettext_lazy("アクセス制御")),
    "08": (gettext_lazy("システムネットワーク状態等の監視"), gettext_lazy("アクセスログ取得")),
    "09": (gettext_lazy("サーバ冗長化・バックアップ"),),
    "10": (gettext_lazy("入退室管理"),),
    "11": (gettext_lazy("国内法が適用されるサーバ環境"),),
}
FLOW_MEASURES = {
    **{f"ward.system.{n}": words for n, words in _SYSTEM_MEASURES.items()},
    "ward.system.02": (gettext_lazy("ネットワーク機器やサーバの制限"),),
    **{f"contractor.system.{n}": words for n, words in _SYSTEM_MEASURES.items()},
}


@cache
def _seed_texts() -> dict[str, str]:
    return {item["key"]: item["text"] for _side, _section, _n, _p, item in iter_items(read_fixture())}


def _measure_words(template_item) -> tuple:
    """資料2-1's short words for a seed control, only while the item says what the seed's does: a later version
    (or another type's template) that gives the key other wording is listed in its own words."""
    key, text = template_item.key, template_item.text
    if key in FLOW_MEASURES and _seed_texts().get(key) == text:
        return FLOW_MEASURES[key]
    return (text,)


@dataclass
class ChecklistRow:
    mark: str
    text: str  # the item's text and, for ー, its reason on the next line


@dataclass
class ChecklistTable:
    title: str
    subtitle: str
    mark_header: str
    control_header: str
    sections: list[tuple[str, list[ChecklistRow]]] = field(default_factory=list)


def plan_state(checklist) -> str:
    """Where the plan (○/ー) stands, for the line under the 別紙's title; empty once it is final."""
    if checklist is None:
        return _("チェックリストの計画（○/ー）はまだ作成されていません。")
    if not checklist.is_finalised:
        return _("チェックリストの計画（○/ー）は確定前の下書きです。")
    return ""


def _plan_line(checklist) -> str:
    if checklist is None or not checklist.is_finalised:
        return _("未確定")
    return _("第%(rev)s版（%(date)s確定）") % {"rev": checklist.plan_revision, "date": wareki(checklist.plan_finalised_at)}


def _checklists(contract):
    """Both lists of the 別紙 with their marks and reasons, and the measures each side lists in 資料2-1."""
    views = side_views(contract, [Side.WARD, Side.CONTRACTOR])
    tables, measures = [], {Side.WARD: [], Side.CONTRACTOR: []}
    for view in views:
        table = ChecklistTable(title=view.template.title, subtitle=view.template.subtitle,
                               mark_header=view.mark_header, control_header=view.template.control_header)
        for section in view.sections:
            rows = []
            for row in section.rows:
                item, text = row.item, row.template_item.text
                if item is not None and item.is_not_needed and item.mark_reason:
                    text = f"{text}\n" + _("理由: %(reason)s") % {"reason": item.mark_reason}
                rows.append(ChecklistRow(mark=mark_symbol(item), text=text))
                if item is not None and item.is_planned and row.template_item.section == "system":
                    words = _measure_words(row.template_item)
                    measures[view.side].extend(str(w) for w in words)
            table.sections.append((f"{view.heading} {section.heading}", rows))
        tables.append(table)
    checklist = views[0].checklist if views else None
    return tables, measures[Side.WARD], measures[Side.CONTRACTOR], checklist


def _period(contract: Contract) -> str:
    """令和7年5月1日から令和8年3月31日まで(次年度以降も、同様の業務委託を行う。), as the seed writes it."""
    text = _("%(start)sから%(end)sまで") % {"start": wareki(contract.start_date), "end": wareki(contract.end_date)}
    if contract.period_note:
        text += f"({contract.period_note})"
    return text


def _overview_rows(contract: Contract) -> list[tuple[str, str]]:
    rows = [
        (_("事業名"), contract.project_name),
        (_("担当課"), contract.department),
        (_("目的"), contract.purpose),
        (_("対象者"), contract.subjects),
        (_("事業内容"), contract.project_description),
    ]
    # The seed gives the number of people inside 事業内容 (「3 対象者数」); a description that does not
    # mention it still shows it, in a row of its own.
    count = "".join(contract.subject_count.split())
    if count and count not in "".join(contract.project_description.split()):
        rows.insert(4, (_("対象者数"), contract.subject_count))
    return rows


def _entrustment_rows(contract: Contract) -> list[tuple[str, str]]:
    return [
        (_("保有課(担当課)"), contract.holding_section),
        (_("登録業務の名称"), contract.registered_work_name),
        (_("委託先"), contract.contractor.name),
        (_("委託に伴い事業者処理させる情報項目(だれの、どのような項目か)"), contract.information_items),
        (_("処理させる情報項目の記録媒体"), contract.recording_media),
        (_("委託理由"), contract.reason),
        (_("委託の内容"), contract.work_content),
        (_("委託の開始時期及び期限"), _period(contract)),
        (_("委託にあたり区が行う情報保護対策"), contract.protection_measures_note),
    ]


# The drawing's boxes have set sizes (they must, for the arrows to meet them): what they name is cut to fit,
# and the 委託 table two pages before gives it whole.
FLOW_SECTION_LIMIT = 30
FLOW_ITEMS_LIMIT = 150


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _flow_items(items: str) -> str:
    if len(items) <= FLOW_ITEMS_LIMIT:
        return items
    return _clip(items, FLOW_ITEMS_LIMIT) + "\n" + _("（全文は「委託に伴い事業者処理させる情報項目」のとおり）")


def _bullets(lines) -> str:
    # One text with line breaks (``white-space: pre-line``) rather than an element per line: WeasyPrint's
    # time grows with the number of elements it styles.
    return "\n".join(f"・{line}" for line in lines)


@dataclass
class FlowRow:
    """One step of a drawn flow: its box in its lane, and the arrow that brings the data there (if it moved)."""

    label: str
    lane: str        # "ward", "contractor" or "both"
    arrow: str = ""  # "right" (区 → 委託先), "left" (委託先 → 区) or ""
    follows_on: bool = False  # the step before was on the same side: a line joins the two boxes


def flow_rows(contract: Contract) -> list[FlowRow]:
    """The type's steps as the drawing's rows, in order."""
    rows, previous = [], None
    for step in steps_for(contract):
        arrow = ""
        if previous == FlowStep.Actor.WARD and step.actor == FlowStep.Actor.CONTRACTOR:
            arrow = "right"
        elif previous == FlowStep.Actor.CONTRACTOR and step.actor == FlowStep.Actor.WARD:
            arrow = "left"
        rows.append(FlowRow(label=step_label(step), lane=step.actor, arrow=arrow,
                            follows_on=previous == step.actor and step.actor != FlowStep.Actor.BOTH))
        previous = step.actor
    return rows


def council_context(contract: Contract) -> dict:
    tables, ward_measures, contractor_measures, checklist = _checklists(contract)
    seed_flow = is_seed_flow(contract)
    return {
        "seed_flow": seed_flow,
        "flow_rows": [] if seed_flow else flow_rows(contract),
        "flow_contractor": _("委託先（%(name)s）") % {"name": _clip(contract.contractor.name, FLOW_SECTION_LIMIT)},
        "flow_items": _flow_items(contract.information_items),
        "contract_type": contract.contract_type.name,
        "contract": contract,
        "fiscal_year": fiscal_year_label(contract.fiscal_year),
        "printed_on": wareki(timezone.localdate()),
        "overview": _overview_rows(contract),
        "entrustment_title": _("%(name)sについて") % {"name": contract.project_name},
        "entrustment": _entrustment_rows(contract),
        "flow_title": _("%(name)sに係る個人情報の流れ") % {"name": contract.project_name},
        "flow_ward": _("区（%(section)s）") % {"section": _clip(contract.holding_section, FLOW_SECTION_LIMIT)},
        "steps": {str(n): text for n, text in FLOW_STEPS.items()},
        "pc_text": "\n".join([_("【委託先PC】"), _("調査結果"), _flow_items(contract.information_items)]),
        "ward_measures": _bullets(ward_measures),
        "contractor_measures": _bullets(contractor_measures),
        "checklists": tables,
        "plan_state": plan_state(checklist),
        "plan_line": _plan_line(checklist),
    }


# The document's own rules on top of core.pdf's base stylesheet (pages, 別紙 labels, field tables). Every
# box has a set width: the flow's boxes are placed in millimetres, the tables have fixed columns. A4
# less the margins is 186 mm wide.
PDF_CSS = """
p.printed { text-align: right; font-size: 8pt; margin: 0 0 6mm; }
/* Set apart by size and margins, never letter-spacing: a copy of spaced characters reads 「個 人 情 報」. */
h1.council { font-size: 18pt; margin: 10mm 0 10mm; }
table.subject th { width: 24mm; text-align: center; vertical-align: middle; }
table.subject td { font-size: 12pt; padding: 3mm; }
.cover p { font-size: 11pt; margin: 8mm 0 0; }
.cover p.basis { margin: 2mm 0 0 4mm; }
.cover p.department { margin-top: 12mm; text-align: right; }
table.overview col.label { width: 28mm; }
table.entrustment col.label { width: 58mm; }
h2.entrustment { font-size: 11pt; margin: 8mm 0 2mm; }
.flow { position: relative; display: flow-root; margin-top: 4mm; }
.flow .box { position: absolute; border: 1pt solid #000; text-align: center; font-size: 10pt; }
.flow .ward { left: 0; top: 0; width: 66mm; height: 40mm; }
.flow .staff { left: 0; top: 84mm; width: 66mm; height: 14mm; line-height: 14mm; }
.flow .contractor { left: 120mm; top: 0; width: 66mm; height: 98mm; }
.flow .name { display: block; padding-top: 2mm; }
.flow .pc { left: 124mm; top: 11mm; width: 55mm; height: 50mm; border-style: dashed; font-size: 8pt;
            line-height: 1.35; text-align: left; padding: 1.5mm; white-space: pre-line; }
.flow .step { position: absolute; font-size: 8pt; line-height: 1.35; }
.flow .s6 { left: 4mm; top: 16mm; width: 58mm; height: 14mm; border: 0.6pt solid #000; border-radius: 2mm;
            text-align: center; line-height: 14mm; font-size: 9pt; }
.flow .s1 { left: 9mm; top: 48mm; width: 24mm; }
.flow .s2 { left: 39mm; top: 48mm; width: 26mm; }
.flow .s3 { left: 69mm; top: 4mm; width: 48mm; }
.flow .s5 { left: 69mm; top: 31mm; width: 48mm; }
.flow .s4 { left: 124mm; top: 67mm; width: 58mm; }
.flow .line { position: absolute; border: 0 solid #000; }
.flow .a1, .flow .a2 { width: 0; height: 40mm; top: 41mm; border-left-width: 1pt; }
.flow .a1 { left: 6mm; }
.flow .a2 { left: 36mm; }
.flow .a3, .flow .a5 { height: 0; width: 50mm; left: 67mm; border-top-width: 1pt; }
.flow .a3 { top: 13mm; }
.flow .a5 { top: 29mm; }
.flow .tip { position: absolute; width: 0; height: 0; border: 0 solid transparent; }
.flow .tip-down { left: 4.5mm; top: 80.5mm; border-width: 3mm 1.6mm 0 1.6mm; border-top-color: #000; }
.flow .tip-up { left: 34.5mm; top: 40.5mm; border-width: 0 1.6mm 3mm 1.6mm; border-bottom-color: #000; }
.flow .tip-right { left: 116.5mm; top: 11.5mm; border-width: 1.6mm 0 1.6mm 3mm; border-left-color: #000; }
.flow .tip-left { left: 66.5mm; top: 27.5mm; border-width: 1.6mm 3mm 1.6mm 0; border-right-color: #000; }
.flow .measures { position: relative; width: 66mm; margin-top: 104mm; font-size: 8pt; line-height: 1.5;
                  white-space: pre-line; }
.flow .ward-measures { float: left; }
.flow .contractor-measures { float: right; }
.flow .caption { margin: 0 0 1mm; white-space: normal; }
/* A flow drawn from a type's steps: a fixed table, the lanes 区 | arrows | 委託先, one row per step. */
table.drawn { table-layout: fixed; width: 186mm; border-collapse: separate; border-spacing: 0 2.5mm;
              margin-top: 4mm; font-size: 9pt; }
table.drawn col.lane { width: 76mm; }
table.drawn col.gap { width: 34mm; }
table.drawn th { border: 1pt solid #000; padding: 2mm; text-align: center; font-size: 10pt; }
table.drawn td { padding: 0; vertical-align: middle; border: 0; }
table.drawn .stepbox { position: relative; border: 0.8pt solid #000; border-radius: 2mm; padding: 2mm;
                       line-height: 1.4; min-height: 9mm; }
table.drawn .stepbox.joined::before { content: ""; position: absolute; left: 50%; top: -2.7mm; height: 2.5mm;
                                      border-left: 1pt solid #000; }
table.drawn .arrow { position: relative; height: 4mm; margin: 0 2mm; }
table.drawn .arrow .shaft { position: absolute; left: 0; right: 0; top: 1.6mm; border-top: 1pt solid #000; }
table.drawn .arrow .head { position: absolute; top: 0; width: 0; height: 0; border: 0 solid transparent; }
table.drawn .arrow.right .head { right: -0.5mm; border-width: 2mm 0 2mm 3.2mm; border-left-color: #000; }
table.drawn .arrow.left .head { left: -0.5mm; border-width: 2mm 3.2mm 2mm 0; border-right-color: #000; }
table.drawn td.items, table.drawn td.items:first-child { font-size: 8pt; line-height: 1.35; white-space: pre-line; border: 0.6pt dashed #000;
                       padding: 1.5mm; }
.drawn-measures { display: flow-root; margin-top: 4mm; font-size: 8pt; line-height: 1.5; white-space: pre-line; }
.drawn-measures .ward-measures { float: left; width: 76mm; }
.drawn-measures .contractor-measures { float: right; width: 76mm; }
.drawn-measures .caption { margin: 0 0 1mm; white-space: normal; }
p.plan { margin: 0 0 2mm; }
p.plan.draft { border: 0.6pt solid #000; padding: 1mm 2mm; }
table.checklist { font-size: 8pt; line-height: 1.3; }
table.checklist col.mark { width: 24mm; }
table.checklist th, table.checklist td { padding: 0.8mm 1.5mm; }
table.checklist thead th { font-size: 7pt; text-align: center; vertical-align: middle; }
table.checklist tr.section th { text-align: left; background: #f4f4f4; break-after: avoid; }
table.checklist td { white-space: pre-line; }
table.checklist td.mark { text-align: center; font-size: 10pt; vertical-align: middle; }
table.checklist tr { break-inside: avoid; }
"""


def council_submission_pdf(contract: Contract) -> tuple[str, str, bytes]:
    content = render_pdf("yearend/council/submission.html", council_context(contract), extra_css=PDF_CSS)
    filename = f"council-submission-{contract.file_stem}-{timezone.localtime():%Y%m%d}.pdf"
    return filename, PDF_CONTENT_TYPE, content


def council_links(user, contract):
    """The contract menu offers the submission to those who may download it: HR and auditors."""
    if may_export_council_submission(user, contract):
        yield Link(title=_("付議事項（会議資料）PDF"), url=reverse("yearend:council_submission",
                                                          kwargs={"slug": contract.slug}))
