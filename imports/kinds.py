"""The four kinds of file an administrator imports: their columns, how a row is read, and what it writes.

A kind names its columns (the header a blank template prints, and the other names a ward's own Excel may
use for it), reads a row into the values its service takes (``read``: a :class:`~imports.values.CellError`
per cell that is wrong, all of them reported), and writes one row through the owning service (``write``,
which returns what it did). A service's refusal (``DomainError``) names its field; ``FIELD_COLUMNS`` says
which column that is, so the preview shows the row, the column and the service's own words.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contracts import services as contract_services
from contracts.models import Contract, Designation, Organisation, UserProfile
from contracts.permissions import may_create_contract
from contracts.services.organisation import unit_save
from contracttypes.models import ContractType
from core.dates import fiscal_year_label, wareki
from core.errors import DomainError

from . import values
from .contractors import contractor_save
from .models import ImportKind
from .reading import normalise

User = get_user_model()


@dataclass(frozen=True)
class Column:
    key: str
    header: object  # a lazy translation: the header the template prints
    aliases: tuple[str, ...] = ()
    required: bool = True  # the file must have this column
    example: str = ""
    instead: str = ""  # a required column the file may go without when it has this one (開始日 → 期間)

    def names(self) -> set[str]:
        """The header in Japanese (the ward's own Excel) and in the language of the page (the template it gave)."""
        with translation.override("ja"):
            japanese = normalise(str(self.header))
        return {japanese, normalise(str(self.header)), *(normalise(a) for a in self.aliases)}


@dataclass
class Done:
    """What a row did (or, in the preview, will do)."""

    action: str  # "created", "updated" or "unchanged"
    label: str


@dataclass
class Kind:
    key: str
    columns: list[Column]
    read: Callable[[dict, dict], dict]
    write: Callable[..., Done]
    field_columns: dict[str, str] = field(default_factory=dict)
    note: object = ""
    # Whether the person importing may write this kind at all (one message for the file, not one a row).
    may_write: Callable[[object], str] = lambda actor: ""

    @property
    def label(self) -> str:
        return str(ImportKind(self.key).label)

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


def _cell(row: dict, key: str) -> str:
    return row.get(key) or ""


def _read_each(row: dict, readers: dict[str, Callable[[str], object]]) -> dict:
    """Every column's reader on its cell; all the cells' errors at once (``CellErrors``)."""
    result, errors = {}, {}
    for key, reader in readers.items():
        try:
            result[key] = reader(_cell(row, key))
        except values.CellError as error:
            errors[key] = error.message
    if errors:
        raise CellErrors(errors)
    return result


class CellErrors(Exception):
    def __init__(self, errors: dict[str, str]):
        super().__init__(errors)
        self.errors = errors


def _text(model, name, *, required=True):
    return lambda text: values.bounded_text(text, model, name, required=required)


def _optional(reader):
    return lambda text: reader(text) if (text or "").strip() else None


# --- 組織（部・課・係） ----------------------------------------------------------------------------------

UNIT_KINDS = {"部": Organisation.Kind.DEPARTMENT, "課": Organisation.Kind.WARD_SECTION, "係": Organisation.Kind.UNIT,
              "担当": Organisation.Kind.UNIT}


def _unit_kind(text: str) -> str:
    value = normalise(text)
    if value in UNIT_KINDS:
        return UNIT_KINDS[value]
    raise values.CellError(_("種別は「部」「課」「係」のいずれかを入力してください（いま「%(value)s」）。") % {"value": text})


def _code(text: str) -> str:
    value = normalise(text)
    if not value:
        raise values.CellError(_("入力してください（空欄です）。"))
    return values.bounded_text(value, Organisation, "code", required=True)


def _read_unit(row: dict, context: dict) -> dict:
    return _read_each(row, {
        "code": _code, "name": _text(Organisation, "name"), "kind": _unit_kind,
        "parent": lambda text: normalise(text),
    })


def _write_unit(data: dict, *, actor, request) -> Done:
    parent = None
    if data["parent"]:
        parent = Organisation.objects.filter(code=data["parent"]).first()
        if parent is None:
            # Unknown codes were refused before any row was written: this parent is in the file, on a refused row.
            raise DomainError(_("上位組織コード「%(code)s」の行を登録できないため、この組織も登録できません。その行の誤りを"
                                "直してください。") % {"code": data["parent"]}, field="parent")
    before = Organisation.objects.filter(code=data["code"]).values_list("name", "kind", "parent_id").first()
    unit = unit_save(code=data["code"], name=data["name"], kind=data["kind"], parent=parent, actor=actor,
                     request=request)
    label = f"{unit.code} {unit.name}（{unit.get_kind_display()}）"
    if before is None:
        return Done("created", label)
    return Done("unchanged" if before == (unit.name, unit.kind, unit.parent_id) else "updated", label)


UNITS = Kind(
    key=ImportKind.UNITS,
    columns=[
        Column("code", gettext_lazy("組織コード"), example="soumu-jinji"),
        Column("name", gettext_lazy("名称"), aliases=("組織名",), example="人事課"),
        Column("kind", gettext_lazy("種別"), example="課"),
        Column("parent", gettext_lazy("上位組織コード"), required=False, example="soumu"),
    ],
    read=_read_unit, write=_write_unit,
    field_columns={"code": "code", "name": "name", "kind": "kind", "parent": "parent"},
    note=gettext_lazy("組織コードが登録済みの組織は、名称・種別・上位組織を更新します。上位の組織は同じファイルの中で"
                      "先に書かなくてもかまいません。"),
)


# --- 委託事業者 ------------------------------------------------------------------------------------------

def _read_contractor(row: dict, context: dict) -> dict:
    """The particulars in the file; a column the file lacks, or a blank cell, leaves a contractor's own as it is."""
    data = _read_each(row, {
        "name": _text(Organisation, "name"),
        "address": _text(Organisation, "address", required=False),
        "emergency_contact_name": _text(Organisation, "emergency_contact_name", required=False),
        "emergency_contact_phone": _text(Organisation, "emergency_contact_phone", required=False),
        "emergency_contact_email": _text(Organisation, "emergency_contact_email", required=False),
        "emergency_procedure": _text(Organisation, "emergency_procedure", required=False),
    })
    return {key: value for key, value in data.items() if key == "name" or value}


def _write_contractor(data: dict, *, actor, request) -> Done:
    contractor, action = contractor_save(actor=actor, request=request, **data)
    return Done(action, contractor.name)


CONTRACTORS = Kind(
    key=ImportKind.CONTRACTORS,
    columns=[
        Column("name", gettext_lazy("名称"), aliases=("委託先", "事業者名"), example="株式会社サンプル総研"),
        Column("address", gettext_lazy("所在地"), required=False, example="東京都新宿区西新宿二丁目8番1号"),
        Column("emergency_contact_name", gettext_lazy("緊急連絡先（担当者）"), required=False, example="情報管理室"),
        Column("emergency_contact_phone", gettext_lazy("緊急連絡先（電話）"), required=False, example="03-0000-0000"),
        Column("emergency_contact_email", gettext_lazy("緊急連絡先（メール）"), required=False,
               example="security@example.co.jp"),
        Column("emergency_procedure", gettext_lazy("緊急時の連絡体制・対応手順"), required=False),
    ],
    read=_read_contractor, write=_write_contractor,
    field_columns={name: name for name in ("name", "address", "emergency_contact_name", "emergency_contact_phone",
                                            "emergency_contact_email", "emergency_procedure")},
    note=gettext_lazy("名称が登録済みの委託事業者は、所在地と緊急連絡先のうち、ファイルに書かれているものを更新します"
                      "（空欄の項目は登録済みの内容のままです）。"),
)


# --- 委託契約 --------------------------------------------------------------------------------------------

def _section(text: str) -> Organisation:
    code = normalise(text)
    if not code:
        raise values.CellError(_("入力してください（空欄です）。"))
    # By its code, or by its name as a ward's own list writes it (names are unique across organisations).
    section = Organisation.objects.filter(code=code).first() or Organisation.objects.filter(
        name=(text or "").strip(), kind__in=Organisation.WARD_KINDS).first()
    if section is None:
        raise values.CellError(_("組織コード「%(code)s」の組織がありません（名称としても見つかりません）。先に組織を取り込んで"
                                 "ください。") % {"code": code})
    if section.kind not in (Organisation.Kind.WARD_SECTION, Organisation.Kind.UNIT):
        raise values.CellError(_("「%(name)s」は%(kind)sです。契約を持つ課または係の組織コードを入力してください。")
                               % {"name": section.name, "kind": section.get_kind_display()})
    return section


def _contractor(text: str) -> Organisation:
    name = (text or "").strip()
    if not name:
        raise values.CellError(_("入力してください（空欄です）。"))
    contractor = Organisation.objects.filter(name=name, kind=Organisation.Kind.CONTRACTOR).first()
    if contractor is None:
        raise values.CellError(_("委託事業者「%(name)s」が登録されていません。先に委託事業者を取り込んでください。")
                               % {"name": name})
    return contractor


def _contract_type(text: str) -> ContractType | None:
    value = normalise(text)
    if not value:
        return None
    found = ContractType.objects.filter(Q(code=value) | Q(name=value)).first()
    if found is None:
        names = "、".join(ContractType.objects.values_list("name", flat=True)[:10])
        raise values.CellError(_("種類「%(value)s」は登録されていません（登録済み: %(names)s）。") % {"value": text,
                                                                                     "names": names})
    return found


CONTRACT_TEXTS = [
    # (key, header, other names, example)
    ("title", gettext_lazy("件名"), (), "令和8年度 職員意識調査分析業務委託"),
    ("project_name", gettext_lazy("事業名"), (), "職員意識調査"),
    ("department", gettext_lazy("担当部課"), (), "総務部人事課"),
    ("regulation_basis", gettext_lazy("要綱の根拠"), (), "新宿区職員意識調査実施要綱"),
    ("purpose", gettext_lazy("目的"), (), "職員の意識を把握し人材育成に活かすため"),
    ("subjects", gettext_lazy("対象者"), (), "区職員"),
    ("subject_count", gettext_lazy("対象者数"), (), "約3,000人"),
    ("project_description", gettext_lazy("事業内容"), (), "意識調査の実施と分析"),
    ("holding_section", gettext_lazy("保有課"), ("保有課（担当課）",), "人事課"),
    ("registered_work_name", gettext_lazy("登録業務の名称"), (), "職員の人事管理"),
    ("information_items", gettext_lazy("情報項目"), (), "職員の所属・職層・回答"),
    ("recording_media", gettext_lazy("記録媒体"), ("処理させる情報項目の記録媒体",), "CD-R"),
    ("reason", gettext_lazy("委託理由"), (), "専門的な分析のため"),
    ("work_content", gettext_lazy("委託の内容"), (), "回答データの集計・分析"),
]


PERIOD_SEPARATOR = re.compile(r"\s*(?:[～〜~]|から)\s*")


def _period(row: dict) -> dict:
    """開始日 and 終了日 from one 期間 cell (「令和8年6月1日～令和9年3月31日」), when the file has no columns of their own
    or leaves them blank."""
    if _cell(row, "start_date").strip() or _cell(row, "end_date").strip() or not _cell(row, "period").strip():
        return row
    parts = PERIOD_SEPARATOR.split(_cell(row, "period").strip().removesuffix("まで"))
    if len(parts) != 2 or not all(parts):
        raise CellErrors({"period": _("期間は「2026-06-01～2027-03-31」のように、開始日と終了日を「～」でつないで入力して"
                                      "ください（いま「%(value)s」）。") % {"value": _cell(row, "period")}})
    return {**row, "start_date": parts[0], "end_date": parts[1]}


def _read_contract(row: dict, context: dict) -> dict:
    from_period = bool(_cell(row, "period").strip()) and not (_cell(row, "start_date").strip()
                                                              or _cell(row, "end_date").strip())
    try:
        return _read_contract_row(_period(row), context)
    except CellErrors as cells:
        if from_period:  # the dates were typed in the 期間 cell: their errors are shown there
            cells.errors = {("period" if key in ("start_date", "end_date") else key): message
                            for key, message in cells.errors.items()}
        raise


REQUIRED_CONTRACT_KEYS = {"fiscal_year", "ward_section", "contractor", "start_date", "end_date",
                          *(key for key, *_rest in CONTRACT_TEXTS)}


def _read_contract_row(row: dict, context: dict) -> dict:
    readers = {
        "fiscal_year": values.fiscal_year, "ward_section": _section, "contractor": _contractor,
        "start_date": values.date, "end_date": values.date, "contract_type": _contract_type,
        "period_note": _text(Contract, "period_note", required=False),
        "protection_measures_note": _text(Contract, "protection_measures_note", required=False),
        "recurring": values.yes_no,
    }
    readers.update({key: _text(Contract, key) for key, *_rest in CONTRACT_TEXTS})
    data = _read_each(row, readers)
    errors = {}
    if data["end_date"] < data["start_date"]:
        errors["end_date"] = _("委託の期限は開始時期より後の日付にしてください。")
    first, last = dt.date(data["fiscal_year"], 4, 1), dt.date(data["fiscal_year"] + 1, 3, 31)
    if not first <= data["start_date"] <= last:
        # A slip in one of the two (2062 for 2026, or last year's row copied): the contract starts in its year.
        errors["start_date"] = _("開始日（%(start)s）が%(year)s（%(first)s～%(last)s）に入っていません。年度か開始日を"
                                 "確かめてください。") % {"start": wareki(data["start_date"]),
                                                    "year": fiscal_year_label(data["fiscal_year"]),
                                                    "first": wareki(first), "last": wareki(last)}
    existing = None
    slug = normalise(_cell(row, "slug"))
    if slug:
        existing = Contract.objects.filter(slug=slug).first()
        earlier = context.setdefault("slugs", {}).get(slug)
        if existing is None:
            errors["slug"] = _("識別子「%(slug)s」の契約がありません。新しく登録する契約は、識別子を空欄にしてください。") % {
                "slug": slug}
        elif earlier:
            errors["slug"] = _("%(row)s行目と同じ契約（識別子が同じ）です。") % {"row": earlier}
        context["slugs"].setdefault(slug, context["row"])
    if existing is not None:
        # An update: what the file leaves blank stays as it is (an optional column, a type not given).
        data = {key: value for key, value in data.items()
                if key in row and (_cell(row, key).strip() or key in REQUIRED_CONTRACT_KEYS)}
        data["contract"] = existing
    else:
        if not data["protection_measures_note"]:
            data["protection_measures_note"] = Contract._meta.get_field("protection_measures_note").default
        if data["contract_type"] is None:
            del data["contract_type"]
    same = (data["fiscal_year"], data["title"], data["ward_section"].pk, data["contractor"].pk)
    earlier = context.setdefault("contracts", {}).get(same)
    others = Contract.objects.filter(fiscal_year=same[0], title=same[1], ward_section=data["ward_section"],
                                     contractor=data["contractor"])
    if existing is not None:
        others = others.exclude(pk=existing.pk)
    if earlier:
        errors["title"] = _("%(row)s行目と同じ契約（年度・件名・担当課・委託先が同じ）です。") % {"row": earlier}
    elif others.exists():
        errors["title"] = _("同じ年度・件名・担当課・委託先の契約がすでに登録されています。")
    else:
        context["contracts"][same] = context["row"]
    if errors:
        raise CellErrors(errors)
    return data


def _may_create_contracts(actor) -> str:
    if may_create_contract(actor):
        return ""
    return _("委託契約を取り込めるのは、契約を登録できる方（担当課の職員）です。取り込む方のアカウントに担当課の権限を"
             "付けてから、もう一度アップロードしてください。")


def _write_contract(data: dict, *, actor, request) -> Done:
    existing = data.pop("contract", None)
    if existing is None:
        contract = contract_services.contract_create(actor=actor, request=request, **data)
        return Done("created", contract.display_name)
    changed = any(getattr(existing, key) != value for key, value in data.items())
    contract = contract_services.contract_update(contract=existing, actor=actor, request=request, **data)
    return Done("updated" if changed else "unchanged", contract.display_name)


CONTRACTS = Kind(
    key=ImportKind.CONTRACTS,
    columns=[
        Column("fiscal_year", gettext_lazy("年度"), example="令和8年度"),
        Column("ward_section", gettext_lazy("担当課コード"), aliases=("組織コード", "担当課"), example="soumu-jinji"),
        Column("contractor", gettext_lazy("委託先"), example="株式会社サンプル総研"),
        Column("start_date", gettext_lazy("開始日"), aliases=("委託の開始時期",), example="2026-06-01", instead="period"),
        Column("end_date", gettext_lazy("終了日"), aliases=("委託の期限",), example="2027-03-31", instead="period"),
        Column("contract_type", gettext_lazy("種類"), aliases=("委託の種類",), required=False),
        *[Column(key, header, aliases, example=example) for key, header, aliases, example in CONTRACT_TEXTS],
        Column("period", gettext_lazy("期間"), aliases=("委託期間", "契約期間"), required=False),
        Column("period_note", gettext_lazy("期間の備考"), aliases=("開始時期及び期限の備考",), required=False),
        Column("protection_measures_note", gettext_lazy("区が行う情報保護対策"), required=False),
        Column("recurring", gettext_lazy("次年度以降も同様の委託"), required=False, example="はい"),
        Column("slug", gettext_lazy("識別子（更新する契約のみ）"), aliases=("識別子", "契約の識別子"), required=False),
    ],
    read=_read_contract, write=_write_contract, may_write=_may_create_contracts,
    field_columns={"fiscal_year": "fiscal_year", "ward_section": "ward_section", "contractor": "contractor",
                   "start_date": "start_date", "end_date": "end_date", "contract_type": "contract_type",
                   **{key: key for key, *_rest in CONTRACT_TEXTS}},
    note=gettext_lazy("識別子が空欄の行は新しい契約として登録され（準備中）、取り込んだ方がその契約の担当課の職員になります。"
                      "種類が空欄の行は既定の種類になります。識別子を書いた行は、その契約を書かれた内容に更新します"
                      "（空欄の任意の項目は登録済みの内容のままです）。"),
)


# --- 取扱責任者・取扱者の指定 --------------------------------------------------------------------------------

DESIGNATION_KINDS = {str(label): value for value, label in Designation.Kind.choices}


def _designation_kind(text: str) -> str:
    value = normalise(text)
    if value in DESIGNATION_KINDS:
        return DESIGNATION_KINDS[value]
    raise values.CellError(_("区分は「取扱責任者」か「取扱者」を入力してください（いま「%(value)s」）。") % {"value": text})


def _contract(row: dict) -> Contract:
    slug = normalise(_cell(row, "contract"))
    if slug:
        contract = Contract.objects.filter(slug=slug).select_related("contractor").first()
        if contract is None:
            raise values.CellError(_("識別子「%(slug)s」の契約がありません。") % {"slug": slug})
        return contract
    raise values.CellError(_("契約の識別子を入力してください（契約の画面のアドレスにある「2026-k7mq2x」のような文字です）。"))


def _person(text: str, contract: Contract):
    """An account of the contract's contractor (or of a subcontractor), by login name, e-mail or name."""
    value = (text or "").strip()
    if not value:
        raise values.CellError(_("入力してください（空欄です）。"))
    people = User.objects.filter(Q(username=value) | Q(email__iexact=value) | Q(profile__display_name=value))
    matches = list(people.select_related("profile").distinct()[:3])
    if contract is not None and len(matches) > 1:
        matches = [u for u in matches if getattr(u, "profile", None) and
                   u.profile.organisation_id == contract.contractor_id] or matches
    if not matches:
        raise values.CellError(_("「%(value)s」に当たる利用者がいません（ログイン名・メールアドレス・氏名で探しました）。")
                               % {"value": value})
    if len(matches) > 1:
        raise values.CellError(_("「%(value)s」に当たる利用者が複数います。ログイン名かメールアドレスで指定してください。")
                               % {"value": value})
    return matches[0]


def _read_designation(row: dict, context: dict) -> dict:
    errors = {}
    contract = None
    try:
        contract = _contract(row)
    except values.CellError as error:
        errors["contract"] = error.message
    try:
        data = _read_each(row, {
            "kind": _designation_kind, "valid_from": _optional(values.date), "valid_until": _optional(values.date),
            "duties": _text(Designation, "duties", required=False),
        })
    except CellErrors as cells:
        errors.update(cells.errors)
        data = {}
    new_name, new_email = _cell(row, "new_name").strip(), _cell(row, "new_email").strip()
    if _cell(row, "user").strip() or not (new_name or new_email):
        try:
            data["user"] = _person(_cell(row, "user"), contract)
        except values.CellError as error:
            errors["user"] = error.message
        if new_name or new_email:
            errors["new_name"] = _("登録済みの方と新しい方の両方が書かれています。どちらか一方にしてください。")
    elif not new_name:
        errors["new_name"] = _("新しい方の氏名を入力してください。")
    elif not new_email:
        errors["new_email"] = _("新しい方のメールアドレスを入力してください。")
    else:
        data.update(display_name=new_name, email=new_email)
    if not errors and data["valid_from"] and data["valid_until"] and data["valid_until"] < data["valid_from"]:
        errors["valid_until"] = _("指定期間の終了は開始より後の日付にしてください。")
    if errors:
        raise CellErrors(errors)
    data["contract"] = contract
    return data


def _write_designation(data: dict, *, actor, request) -> Done:
    if "user" in data:
        designation = contract_services.designation_report(actor=actor, request=request, **data)
    else:
        # A person without an account: made now, closed until the ward approves (then the enrolment link goes out).
        designation = contract_services.designation_report_new_person(actor=actor, request=request, **data)
    return Done("created", _("%(contract)s の%(kind)s %(person)s（報告済み・承認待ち）") % {
        "contract": designation.contract.display_name, "kind": designation.get_kind_display(),
        "person": _person_label(designation.user)})


def _person_label(user) -> str:
    profile = UserProfile.objects.filter(user=user).first()
    return profile.display_name if profile else user.get_username()


DESIGNATIONS = Kind(
    key=ImportKind.DESIGNATIONS,
    columns=[
        Column("contract", gettext_lazy("契約の識別子"), aliases=("識別子", "契約"), example="2026-k7mq2x"),
        Column("user", gettext_lazy("氏名・ログイン名・メール"), aliases=("氏名", "利用者", "ログイン名", "メールアドレス"),
               example="analyst@example.co.jp"),
        Column("kind", gettext_lazy("区分"), example="取扱者"),
        Column("valid_from", gettext_lazy("指定期間（開始）"), aliases=("期間（開始）", "開始日"), required=False,
               example="2026-06-01"),
        Column("valid_until", gettext_lazy("指定期間（終了）"), aliases=("期間（終了）", "終了日"), required=False,
               example="2027-03-31"),
        Column("duties", gettext_lazy("担当業務"), required=False, example="集計・分析"),
        Column("new_name", gettext_lazy("新しい方の氏名"), required=False),
        Column("new_email", gettext_lazy("新しい方のメールアドレス"), required=False),
    ],
    read=_read_designation, write=_write_designation,
    field_columns={"user": "user", "kind": "kind", "valid_from": "valid_from", "valid_until": "valid_until",
                   "duties": "duties", "organisation": "user", "display_name": "new_name", "email": "new_email"},
    note=gettext_lazy("指定は「報告済み」として登録され、各契約の画面で担当課が承認します。指定できるのは、委託先又は"
                      "区が承認した再委託先に所属する方です。まだ利用者でない方は「氏名・ログイン名・メール」を空欄にして"
                      "「新しい方の氏名」「新しい方のメールアドレス」を書くと、承認されたときに利用開始の案内が届きます。"),
)


KINDS = {kind.key: kind for kind in (UNITS, CONTRACTORS, CONTRACTS, DESIGNATIONS)}


def kind_for(key: str) -> Kind | None:
    return KINDS.get(key)
