"""The ward's organisation tree (部 → 課 → 係) and the part of it a role is held on (a ScopeGrant's unit).

A unit's subtree is the unit and every unit below it; the tree is at most three deep (部・課・係), so a
subtree is found in one query, and a contract lies in it when its owning section (``ward_section``) does.
No unit (None) means the whole ward: every contract.
"""

from django.db.models import Q

from .models import Organisation

# 部 → 課 → 係: a unit has at most two levels below it.
MAX_DEPTH = 3


def _pk(unit) -> int | None:
    return unit if unit is None or isinstance(unit, int) else unit.pk


def subtree_q(unit, prefix: str = "") -> Q:
    """A Q on Organisation (or, with ``prefix`` such as "ward_section__", on a model pointing at one) for the
    units of ``unit``'s subtree, the unit included. Never a query of its own."""
    pk = _pk(unit)
    return Q(**{f"{prefix}pk": pk}) | Q(**{f"{prefix}parent_id": pk}) | Q(**{f"{prefix}parent__parent_id": pk})


def units_under(unit) -> set[int]:
    """The pks of ``unit`` and of every unit below it (one query)."""
    pk = _pk(unit)
    if pk is None:
        return set(Organisation.objects.filter(kind__in=Organisation.WARD_KINDS).values_list("pk", flat=True))
    return set(Organisation.objects.filter(subtree_q(pk)).values_list("pk", flat=True))


def scope_q(unit, prefix: str = "") -> Q:
    """A Q on Contract (or, with ``prefix`` such as "contract__", on a model pointing at one): its owning
    section lies in ``unit``'s subtree; ``unit`` None is the whole ward (every contract). No query of its own:
    a subquery on the organisation's three levels."""
    if _pk(unit) is None:
        return Q(**{f"{prefix}pk__isnull": False})
    return Q(**{f"{prefix}ward_section__in": Organisation.objects.filter(subtree_q(unit)).values("pk")})


def grants_reaching_q(section) -> Q:
    """A Q on ScopeGrant: the grant's unit holds ``section`` (a pk, or an OuterRef to a contract's
    ``ward_section_id``) in its subtree, or the grant is ward-wide."""
    return (Q(unit__isnull=True) | Q(unit_id=section) | Q(unit__children__pk=section)
            | Q(unit__children__children__pk=section))


def ancestors(unit) -> list[Organisation]:
    """The unit's parents, nearest first (for the cycle check and the breadcrumbs)."""
    found, seen = [], set()
    parent = unit.parent if unit is not None else None
    while parent is not None and parent.pk not in seen:
        found.append(parent)
        seen.add(parent.pk)
        parent = parent.parent
    return found


def label(unit) -> str:
    """「総務部 人事課」: the unit with its parents, top first; 「区全体」 for None."""
    from django.utils.translation import gettext as _

    if unit is None:
        return _("区全体")
    return " ".join([u.name for u in reversed(ancestors(unit))] + [unit.name])
