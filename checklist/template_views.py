"""An administrator's pages for the checklist's templates: the versions per contract type, the import from Excel
with its preview (an error per row; nothing written until the whole file is valid), a version's items, and the
publication of a draft."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from contracttypes.models import ContractType
from core.errors import DomainError
from core.posting import form_post

from . import services, template_import, versions
from .forms import TemplateImportForm, TemplatePublishForm
from .models import ChecklistTemplate, Section, Side
from .permissions import may_import_templates


def _types():
    return list(ContractType.objects.order_by("-is_default", "name"))


@login_required
@require_safe
def template_list(request):
    may_import_templates(request.user).or_403()
    templates = list(ChecklistTemplate.objects.select_related("contract_type", "created_by__profile")
                     .order_by("contract_type__name", "-version"))
    groups = []
    for contract_type in [None, *_types()]:
        key = contract_type.pk if contract_type else None
        current = versions.in_force(key)
        groups.append({"type": contract_type, "rows": [t for t in templates if t.contract_type_id == key],
                       # The version a plan made now would start on, when it is the type's own (else the default's).
                       "in_force": current.pk if current is not None and current.contract_type_id == key else None})
    return render(request, "checklist/template_list.html", {"groups": groups})


def _import_page(request, form, read=None, status=200):
    return render(request, "checklist/template_import.html", {
        "form": form, "read": read, "columns": template_import.COLUMNS.values(),
        "attestation": template_import.ATTESTATION,
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def template_import_view(request):
    may_import_templates(request.user).or_403()
    types = _types()
    default = services.latest_template() if ChecklistTemplate.objects.exists() else None
    initial = {"title": default.title if default else "", "subtitle": default.subtitle if default else ""}
    read_holder = {}

    def act(form):
        upload = form.cleaned_data["file"]
        data = upload.read(template_import.MAX_FILE_SIZE + 1)
        read = template_import.read_items(data)
        read_holder["read"] = read
        if not read.valid:
            raise DomainError(_("%(n)s件の問題があります。すべての行を直してから、もう一度取り込んでください。何も保存していません。")
                              % {"n": len(read.errors)}, field="file")
        return services.template_draft(
            contract_type=form.cleaned_data["contract_type"], read=read, title=form.cleaned_data["title"],
            subtitle=form.cleaned_data["subtitle"], note=form.cleaned_data["change_note"], actor=request.user,
            request=request)

    return form_post(
        request, TemplateImportForm, act=act, files=True, form_kwargs={"types": types, "initial": initial},
        message=lambda template: _("%(n)s項目を下書き（第%(version)s版）として取り込みました。内容を確かめてから公開してください。")
        % {"n": template.items.count(), "version": template.version},
        done=lambda template: redirect("checklist:template_detail", pk=template.pk),
        page=lambda form, status: _import_page(request, form, read_holder.get("read"), status=status))


def _grouped(template):
    items = list(template.items.order_by("position"))
    groups = []
    for side in (Side.WARD, Side.CONTRACTOR):
        sections = []
        for section in (Section.OPERATIONAL, Section.SYSTEM):
            rows = [item for item in items if item.side == side and item.section == section]
            if rows:
                sections.append((template.section_heading(section), rows))
        if sections:
            groups.append((template.heading(side), sections))
    return items, groups


def _detail_page(request, template, form=None, status=200):
    items, groups = _grouped(template)
    return render(request, "checklist/template_detail.html", {
        "template": template, "groups": groups, "count": len(items),
        "files_count": sum(1 for item in items if item.needs_files),
        "publish_form": (form or TemplatePublishForm()) if not template.is_published else None,
    }, status=status)


def _template(pk) -> ChecklistTemplate:
    template = ChecklistTemplate.objects.select_related("contract_type", "created_by__profile").filter(pk=pk).first()
    if template is None:
        raise Http404
    return template


@login_required
@require_safe
def template_detail(request, pk):
    may_import_templates(request.user).or_403()
    return _detail_page(request, _template(pk))


@login_required
@require_POST
def template_publish(request, pk):
    may_import_templates(request.user).or_403()
    template = _template(pk)
    if template.is_published:
        messages.info(request, _("この版はすでに公開されています。"))
        return redirect("checklist:template_detail", pk=pk)
    return form_post(
        request, TemplatePublishForm,
        act=lambda form: services.template_publish(template=template, actor=request.user, request=request),
        message=lambda published: _("第%(version)s版を公開しました。これから計画を作る契約はこの版を使います。")
        % {"version": published.version},
        done=redirect("checklist:template_list"),
        page=lambda form, status: _detail_page(request, template, form, status=status))
