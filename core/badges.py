"""What a record's status badge says and how it is coloured: one ``Badge`` per state, drawn by
``{% status_badge %}`` (see ``core/templatetags/badges.py`` for the protocol a model implements)."""

from dataclasses import dataclass

# The tones the style sheet knows (``.badge.ok``, ``.badge.warn``, ``.badge.danger``); "" is a plain badge.
TONES = ("ok", "warn", "danger", "")


@dataclass(frozen=True)
class Badge:
    label: str
    tone: str = ""

    def __post_init__(self):
        # A misspelt tone would draw a badge the style sheet does not colour: fail where the state is mapped.
        if self.tone not in TONES:
            raise ValueError(f"unknown badge tone {self.tone!r}; expected one of {TONES}")
