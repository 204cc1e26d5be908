"""Which records may hold evidence files, and who may see and add them: filled by the apps above.

The attachments app sits below every app whose records hold files (the checklist, supervision, status
reports, the environment), so it cannot ask them who may do what. Each of them registers its model in
its ``AppConfig.ready``::

    from attachments import registry

    registry.register(Inspection, may_view=permissions.may_view_inspection,
                      may_attach=permissions.may_attach_to_inspection,
                      contract_of=lambda inspection: inspection.contract)

``may_view(user, obj)`` and ``may_attach(user, obj)`` return a :class:`core.answers.Answer`: the page
lists and offers what they allow, the views and services refuse what they do not. ``contract_of`` and
``organisation_of`` (obj → Contract / Organisation or None) are stamped on each file, so that lists of
files can be filtered by contract. A model nobody registered holds no files: its URLs answer 404.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models

from core.answers import Answer


@dataclass(frozen=True)
class Target:
    model: type[models.Model]
    may_view: Callable[[object, object], Answer]
    may_attach: Callable[[object, object], Answer]
    contract_of: Callable[[object], object] | None = None
    organisation_of: Callable[[object], object] | None = None

    def contract(self, obj):
        return self.contract_of(obj) if self.contract_of else None

    def organisation(self, obj):
        return self.organisation_of(obj) if self.organisation_of else None


_targets: dict[str, Target] = {}


def _label(model) -> str:
    return model._meta.label_lower


def register(model, *, may_view, may_attach, contract_of=None, organisation_of=None) -> Target:
    """Let ``model``'s rows hold evidence files; registering again replaces the rules (harmless on reload)."""
    target = Target(model=model, may_view=may_view, may_attach=may_attach, contract_of=contract_of,
                    organisation_of=organisation_of)
    _targets[_label(model)] = target
    return target


def unregister(model) -> None:
    """For tests that register a model of their own."""
    _targets.pop(_label(model), None)


def target_for(model_or_obj) -> Target | None:
    """The rules for a model (or an instance of it), or None when it holds no files."""
    model = model_or_obj if isinstance(model_or_obj, type) else type(model_or_obj)
    return _targets.get(_label(model))


def is_registered(model_or_obj) -> bool:
    return target_for(model_or_obj) is not None


def registered_models() -> list[type[models.Model]]:
    return [target.model for target in _targets.values()]
