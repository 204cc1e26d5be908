"""What next year's copy of a contract carries from the apps above contracts (the checklist's plan, the survey's
column mapping), without contracts importing them (``conventions.md``, "Layers").

Each app registers in its ``AppConfig.ready``: ``preview(source, preview)`` adds what it would carry to the
copy preview (:class:`contracts.selectors.CopyPreview`), and ``carry(source=, copy=, actor=, carry_plan=)``
carries it inside the copy's transaction and returns what the copy's one audit entry says of it.
"""

from collections.abc import Callable

_previews: list[Callable] = []
_carries: list[Callable] = []


def register(*, preview: Callable | None = None, carry: Callable | None = None) -> None:
    if preview is not None and preview not in _previews:
        _previews.append(preview)
    if carry is not None and carry not in _carries:
        _carries.append(carry)


def fill_preview(source, preview) -> None:
    for function in _previews:
        function(source, preview)


def carry(*, source, copy, actor, carry_plan: bool) -> dict:
    said: dict = {}
    for function in _carries:
        said.update(function(source=source, copy=copy, actor=actor, carry_plan=carry_plan) or {})
    return said
