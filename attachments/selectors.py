"""Reads of evidence files: the files of a record, and the references the checklist lists."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.urls import reverse

from core.answers import no
from core.evidence import FileRef

from . import registry
from .models import EvidenceFile


def files_for(target, slot: str | None = None) -> QuerySet[EvidenceFile]:
    """Every version of the files of ``target`` (in ``slot``, or every slot), newest version first.

    Who may see them is the target's rule (registry ``may_view``): callers show these where they show the
    target itself."""
    if target is None or getattr(target, "pk", None) is None:
        return EvidenceFile.objects.none()
    files = EvidenceFile.objects.filter(content_type=ContentType.objects.get_for_model(type(target)),
                                        object_id=target.pk)
    if slot is not None:
        files = files.filter(slot=slot)
    return files.select_related("uploaded_by").order_by("slot", "-version", "-pk")


def latest_for(target, slot: str = "") -> EvidenceFile | None:
    return files_for(target, slot).first()


def files_for_many(targets: Iterable, slot: str | None = None) -> QuerySet[EvidenceFile]:
    """The files of several targets (of any registered models) in one query."""
    by_type: dict[int, set[int]] = {}
    for target in targets:
        if target is not None and getattr(target, "pk", None) is not None:
            by_type.setdefault(ContentType.objects.get_for_model(type(target)).pk, set()).add(target.pk)
    if not by_type:
        return EvidenceFile.objects.none()
    condition = Q()
    for content_type_id, ids in by_type.items():
        condition |= Q(content_type_id=content_type_id, object_id__in=ids)
    files = EvidenceFile.objects.filter(condition)
    if slot is not None:
        files = files.filter(slot=slot)
    return files.select_related("uploaded_by").order_by("content_type_id", "object_id", "slot", "-version", "-pk")


def file_refs(targets, slot: str | None = None) -> tuple[FileRef, ...]:
    """Every version of the files of ``targets`` (one record or several) as the checklist lists them:
    name, SHA-256, version, size and the download link."""
    if targets is None:
        return ()
    if not isinstance(targets, (list, tuple, set, frozenset, QuerySet)) and hasattr(targets, "_meta"):
        targets = [targets]
    return tuple(FileRef(name=f.name, sha256=f.sha256, version=f.version, size=f.size,
                         url=reverse("attachments:download", args=[f.pk]))
                 for f in files_for_many(targets, slot))


def may_view(user, file: EvidenceFile):
    """The target's may_view for ``file`` (a file whose target is gone or unregistered: no)."""
    target = file.target
    rules = registry.target_for(target) if target is not None else None
    if rules is None:
        return no("", forbidden=True)
    return rules.may_view(user, target)
