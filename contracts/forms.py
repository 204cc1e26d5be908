from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from audit.formatting import person_name
from core.bounds import BoundedFormMixin
from core.widgets import DateInput, DateTimeInput

from .models import Contract, Designation, Organisation, Role, SubcontractingDeclaration, Subcontractor
from .permissions import sections_for_new_contract
from .services import APPLICATION_FIELDS, CONTRACT_FIELDS


class ContractForm(BoundedFormMixin, forms.ModelForm):
    """The council submission's fields. The contract's address (slug) is made by the service, never typed."""

    class Meta:
        model = Contract
        fields = [*CONTRACT_FIELDS, "contract_type"]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "purpose": forms.Textarea(attrs={"rows": 2}),
            "subjects": forms.Textarea(attrs={"rows": 2}),
            "project_description": forms.Textarea(attrs={"rows": 6}),
            "information_items": forms.Textarea(attrs={"rows": 4}),
            "reason": forms.Textarea(attrs={"rows": 4}),
            "work_content": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            # The owning section: one of the clerk's (their 担当課 scopes), or the one the contract has.
            sections = sections_for_new_contract(user)
            current = self.instance.ward_section_id if self.instance.pk else None
            field = self.fields["ward_section"]
            field.queryset = (Organisation.objects.filter(Q(pk__in=sections.values("pk")) | Q(pk=current))
                              .order_by("code", "name"))
        # The type (its flow steps, the parts it uses). Left unchosen, a new contract takes the default
        # type and an edited one keeps its own.
        self.fields["contract_type"].required = False
        self.fields["contract_type"].empty_label = None
        self.fields["contract_type"].help_text = _("工程（個人情報の流れ）と使う機能は種類ごとに管理者が設定します。"
                                                   "工程の完了を記録した後は変更できません。")

    def service_fields(self) -> dict:
        fields = {name: self.cleaned_data[name] for name in CONTRACT_FIELDS}
        if self.cleaned_data.get("contract_type") is not None:
            fields["contract_type"] = self.cleaned_data["contract_type"]
        return fields


class StepCompleteForm(BoundedFormMixin, forms.Form):
    completed_at = forms.DateTimeField(label=_("完了日時"), widget=DateTimeInput(),
                                       help_text=_("実際に完了した日時。今でなければ直してください。"))
    note = forms.CharField(label=_("備考"), max_length=300, required=False,
                           help_text=_("例: CD-Rで送付（手渡し）。300文字まで。"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["completed_at"].initial = timezone.localtime().replace(second=0, microsecond=0)


class StepReopenForm(BoundedFormMixin, forms.Form):
    reason = forms.CharField(label=_("未了に戻す理由"), max_length=300,
                             help_text=_("例: 誤って完了にしたため。完了の記録（日時・備考）は履歴に残ります。"))


class StartForm(BoundedFormMixin, forms.Form):
    """履行開始. Shown with a confirmation box when it is a month or more before the start date."""

    confirm_early = forms.BooleanField(required=False)

    def __init__(self, *args, warning: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if warning:
            self.fields["confirm_early"].label = _("%(warning)s開始日前ですが、履行開始にします。") % {"warning": warning}
        else:
            del self.fields["confirm_early"]


class CopyForm(BoundedFormMixin, forms.Form):
    """What the copy into the next year carries, every row of the preview ticked to begin with."""

    memberships = forms.TypedMultipleChoiceField(label=_("監査の閲覧権限"), coerce=int, required=False,
                                                 widget=forms.CheckboxSelectMultiple)
    designations = forms.TypedMultipleChoiceField(label=_("取扱責任者・取扱者（承認待ちとして引き継ぐ）"),
                                                  coerce=int, required=False, widget=forms.CheckboxSelectMultiple)
    carry_plan = forms.BooleanField(label=_("チェックリストの計画（下書きとして引き継ぎ、確定し直す）"), required=False)

    def __init__(self, *args, preview, **kwargs):
        super().__init__(*args, **kwargs)
        name = _person_label
        self.fields["memberships"].choices = [(m.pk, name(m.user)) for m in preview.memberships]
        self.fields["memberships"].initial = [m.pk for m in preview.memberships]
        self.fields["designations"].choices = [
            (d.pk, f"{name(d.user)}・{d.get_kind_display()}{'・' + d.duties if d.duties else ''}")
            for d in preview.designations]
        self.fields["designations"].initial = [d.pk for d in preview.designations]
        if preview.plan is None:
            del self.fields["carry_plan"]
        else:
            self.fields["carry_plan"].initial = True
        for key in ("memberships", "designations"):
            if not self.fields[key].choices:
                del self.fields[key]

    def selection(self) -> dict:
        data = self.cleaned_data
        return {"memberships": data.get("memberships", []), "designations": data.get("designations", []),
                "carry_plan": bool(data.get("carry_plan"))}


def _person_label(user) -> str:
    return person_name(user)


def _designee_label(user) -> str:
    """A subcontractor's person is named with their party: 「入力 花子（再委託先 株式会社B）」."""
    organisation = user.profile.organisation if getattr(user, "profile", None) else None
    if organisation is not None and organisation.kind == Organisation.Kind.SUBCONTRACTOR:
        return gettext("%(name)s（再委託先 %(party)s）") % {"name": person_name(user), "party": organisation.name}
    return person_name(user)


# The handling manager speaks for the contractor: the service refuses a subcontractor's person at the field.
MANAGER_HELP = _("取扱責任者に指定できるのは委託先の方のみです。再委託先の方は取扱者として指定してください。")


class DesignationReportForm(BoundedFormMixin, forms.Form):
    user = forms.ModelChoiceField(label=_("氏名"), queryset=None)
    kind = forms.ChoiceField(label=_("区分"), choices=Designation.Kind.choices)
    duties = forms.CharField(label=_("担当業務"), max_length=200, required=False)
    valid_from = forms.DateField(label=_("指定期間（開始）"), required=False, widget=DateInput())
    valid_until = forms.DateField(label=_("指定期間（終了）"), required=False, widget=DateInput())

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = people
        self.fields["user"].label_from_instance = _designee_label
        if people.filter(profile__organisation__kind=Organisation.Kind.SUBCONTRACTOR).exists():
            self.fields["kind"].help_text = MANAGER_HELP


class NewPersonForm(BoundedFormMixin, forms.Form):
    """A person with no account yet: the ward's approval makes it and e-mails them an enrolment link."""

    display_name = forms.CharField(label=_("氏名"), max_length=100)
    email = forms.EmailField(label=_("メールアドレス"), max_length=254,
                             help_text=_("区が承認すると、このアドレスに利用開始の案内（72時間有効のリンク）が届きます。"))
    kind = forms.ChoiceField(label=_("区分"), choices=Designation.Kind.choices)
    duties = forms.CharField(label=_("担当業務"), max_length=200, required=False)
    valid_from = forms.DateField(label=_("指定期間（開始）"), required=False, widget=DateInput())
    valid_until = forms.DateField(label=_("指定期間（終了）"), required=False, widget=DateInput())

    organisation = forms.ModelChoiceField(label=_("所属"), queryset=None, required=False, empty_label=None,
                                          help_text=_("委託先、又は区が承認した再委託先。"))

    def __init__(self, *args, organisations=None, **kwargs):
        kwargs.setdefault("prefix", "new")
        super().__init__(*args, **kwargs)
        # The contractor and the subcontractors the ward approved (a queryset, the contractor first): a choice
        # only when there is more than one.
        if organisations is None or len(organisations) < 2:
            del self.fields["organisation"]
        else:
            self.fields["organisation"].queryset = organisations
            self.fields["organisation"].initial = organisations[0].pk
            self.fields["kind"].help_text = MANAGER_HELP


class DecisionForm(BoundedFormMixin, forms.Form):
    note = forms.CharField(label=_("備考・理由"), max_length=300, required=False)


class MembershipGrantForm(BoundedFormMixin, forms.Form):
    user = forms.ModelChoiceField(label=_("職員"), queryset=None)
    role = forms.ChoiceField(label=_("役割"), choices=[(Role.HR, Role.HR.label), (Role.AUDITOR, Role.AUDITOR.label)])

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = people
        self.fields["user"].label_from_instance = person_name


class DeclarationForm(BoundedFormMixin, forms.Form):
    """再委託なしの申出, dated."""

    bounds_model = SubcontractingDeclaration

    declared_on = forms.DateField(label=_("申出日"), widget=DateInput())
    statement = forms.CharField(label=_("申出の内容"), max_length=300, required=False,
                                help_text=_("空欄のときは「本契約の業務について、再委託は行いません。」と記録します。"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["declared_on"].initial = timezone.localdate()


class SubcontractorForm(BoundedFormMixin, forms.ModelForm):
    """再委託の承認申請. A draft may be saved with the name alone; submitting needs every field and the confirmation
    (the service says which is missing, at its field)."""

    class Meta:
        model = Subcontractor
        fields = APPLICATION_FIELDS
        widgets = {
            "work": forms.Textarea(attrs={"rows": 3}),
            "data_items": forms.Textarea(attrs={"rows": 3}),
            "handlers": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "country": _("例: 日本。国外の場合は、その国の個人情報保護の制度を確認のうえ申請してください。"),
            "data_items": _("だれの、どのような項目か。例: 職員の所属・職名・調査回答内容。"),
            "place": _("例: 再委託先の本社（東京都…）の執務室。クラウドを使う場合はそのサービスと所在国も。"),
            "handlers": _("氏名を一人一行で。区の承認後、この方々を取扱者として指定・報告してください。"),
            "flows_down": _("特記事項（再委託の制限・秘密保持・実地検査など）と同じ義務を再委託先にも負わせ、区が再委託先に"
                            "立入り調査等をできる契約内容であること（チェックリスト 運用上の対策3）。提出に必要です。"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.required = name == "name"

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in APPLICATION_FIELDS}


class ReasonForm(BoundedFormMixin, forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["reason"].label = label


class SubcontractorDecisionForm(ReasonForm):
    """承認する・不承認にする・差し戻す: the reason is needed to refuse or send back, not to approve (the service says
    so at the field)."""

    def __init__(self, *args, others=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = False
        if others:
            # The name matches a subcontractor approved under another contractor: approving needs HR's word that
            # it is the same company (the service refuses at this field without it; refusing or sending back not).
            self.fields["same_company"] = forms.BooleanField(
                label=_("別の委託先の再委託先と同じ会社であることを確認しました（承認に必要）"), required=False,
                help_text=gettext("同じ名称の再委託先が、%(others)sの再委託先として承認されています。")
                % {"others": "、".join(o.name for o in others)})
