"""Contract types set up by an administrator: a type, its flow steps (numbered 1..n, at least one) and the parts
it uses. The default type (the seed's survey analysis unless another was chosen) cannot be deleted, and is
handed on only by making another type the default. Every edit is audited (AuditedAdminMixin)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext as _

from audit.admin_mixins import AuditedAdminMixin

from .models import ContractType, FlowStep

# While the steps are renumbered, an existing step moves out of the way first (numbers are unique per type).
RENUMBER_OFFSET = 10000


class FlowStepFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        numbers = [form.cleaned_data["number"] for form in self.forms
                   if form.cleaned_data and not form.cleaned_data.get("DELETE") and
                   form.cleaned_data.get("number") is not None]
        if not numbers:
            raise ValidationError(_("工程を1つ以上登録してください。"), code="no_steps")
        if sorted(numbers) != list(range(1, len(numbers) + 1)):
            raise ValidationError(_("工程の番号は1から順に、抜けや重複なく付けてください（いま: %(numbers)s）。")
                                  % {"numbers": "、".join(str(n) for n in sorted(numbers))}, code="numbers")

    def validate_unique(self):
        # The numbers were checked together above (1..n, no duplicates); a renumbering that swaps two steps is
        # saved in two moves (ContractTypeAdmin.save_formset), so the stored numbers are no objection here.
        return


class FlowStepForm(forms.ModelForm):
    class Meta:
        model = FlowStep
        fields = ["number", "text", "actor", "follows"]

    def _get_validation_exclusions(self):
        # Numbers are checked across the whole formset (FlowStepFormSet.clean), not against the stored rows
        # (which a renumbering is about to change): the unique (type, number) constraint is not asked here.
        return {*super()._get_validation_exclusions(), "number"}


class FlowStepInline(admin.TabularInline):
    model = FlowStep
    form = FlowStepForm
    formset = FlowStepFormSet
    extra = 1
    min_num = 1
    ordering = ["number"]


class ContractTypeForm(forms.ModelForm):
    class Meta:
        model = ContractType
        fields = ["code", "name", "description", "uses_survey_export", "uses_media_custody", "uses_online_transfer",
                  "is_default"]

    def clean_is_default(self):
        value = self.cleaned_data.get("is_default")
        if self.instance.pk and self.instance.is_default and not value:
            raise ValidationError(_("既定の種類は外せません。別の種類を「既定の種類」にすると、こちらは外れます。"),
                                  code="default_needed")
        return value

    def _get_validation_exclusions(self):
        # One default at a time: choosing this one takes the mark from the other on save, so the one-default
        # constraint is not asked here (code and name stay unique as their fields say).
        return {*super()._get_validation_exclusions(), "is_default"}


@admin.register(ContractType)
class ContractTypeAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = ContractTypeForm
    inlines = [FlowStepInline]
    list_display = ["name", "code", "is_default", "uses_survey_export", "uses_media_custody", "uses_online_transfer"]
    search_fields = ["name", "code"]

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_default:
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset.exclude(is_default=True))

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        if obj.is_default:
            ContractType.objects.filter(is_default=True).exclude(pk=obj.pk).update(is_default=False)
        super().save_model(request, obj, form, change)

    @transaction.atomic
    def save_formset(self, request, form, formset, change):
        if formset.model is FlowStep:
            moving = [f.instance.pk for f in formset.forms if f.instance.pk and (
                "number" in f.changed_data or (f.cleaned_data or {}).get("DELETE"))]
            FlowStep.objects.filter(pk__in=moving).update(number=F("number") + RENUMBER_OFFSET)
        super().save_formset(request, form, formset, change)
