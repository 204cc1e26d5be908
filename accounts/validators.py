"""Password rules NIST SP 800-63B (5.1.1.2) asks a verifier to check beyond length and known-breached lists:
"repetitive or sequential characters (e.g. 'aaaaaa', '1234abcd')" and "context-specific words, such as
the name of the service, the username, and derivatives thereof". Django's own validators miss them:
``ZZZZZZZZZZZZ`` and ``yamadayamada`` (for the user yamada) passed."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# A run of this many characters, each one step from the last in the same direction (or the same), is
# "sequential or repetitive"; a password made only of such runs is refused.
RUN_LENGTH = 3
# Fewer distinct characters than this, whatever their order, is repetition (「aaaaaaaaaaab」).
MIN_DISTINCT = 4
# Parts of the account shorter than this ("ab") would refuse too many honest passphrases.
MIN_CONTEXT_LENGTH = 3


def _step(a: str, b: str) -> int | None:
    """+1, -1 or 0 when ``b`` follows, precedes or repeats ``a`` (digits wrap: 9 → 0); else None."""
    if a == b:
        return 0
    if a.isdigit() and b.isdigit():
        diff = (int(b) - int(a)) % 10
        return {1: 1, 9: -1}.get(diff)
    diff = ord(b) - ord(a)
    return diff if diff in (1, -1) else None


def sequential_runs_cover(password: str) -> bool:
    """Whether every character belongs to a run of ``RUN_LENGTH`` or more characters that repeat or count
    up or down (``abcdefgh1234``, ``aaabbbccc``, ``987654321098``)."""
    text = password.lower()
    if len(text) < RUN_LENGTH:
        return False
    covered = [False] * len(text)
    start = 0
    while start < len(text) - 1:
        step = _step(text[start], text[start + 1])
        end = start + 1
        if step is not None:
            while end + 1 < len(text) and _step(text[end], text[end + 1]) == step:
                end += 1
            if end - start + 1 >= RUN_LENGTH:
                for i in range(start, end + 1):
                    covered[i] = True
        start = end
    return all(covered)


def repeats_a_unit(password: str) -> bool:
    """``abcabcabcabc``, ``yamadayamada``: the same short part said again and again."""
    text = password.lower()
    for size in range(1, len(text) // 2 + 1):
        if len(text) % size == 0 and text[:size] * (len(text) // size) == text:
            return True
    return False


class RepetitiveOrSequentialValidator:
    def validate(self, password, user=None):
        if (len(set(password.lower())) < MIN_DISTINCT or repeats_a_unit(password)
                or sequential_runs_cover(password)):
            raise ValidationError(
                _("同じ文字の繰り返しや、連続した文字（abcd、1234 など）だけのパスワードは使えません。"),
                code="password_repetitive_or_sequential",
            )

    def get_help_text(self):
        return _("同じ文字の繰り返しや、連続した文字（abcd、1234 など）だけのパスワードは使えません。")


def _context_words(user) -> set[str]:
    words = set()
    if user is None:
        return words
    username = (getattr(user, "username", "") or "").lower()
    email = (getattr(user, "email", "") or "").lower()
    words.add(username)
    words.add(email.partition("@")[0])
    profile = getattr(user, "profile", None) if getattr(user, "pk", None) else None
    if profile is not None:
        name = (profile.display_name or "").lower()
        words.add(name.replace(" ", "").replace("\u3000", ""))
    return {w for w in words if len(w) >= MIN_CONTEXT_LENGTH}


class ContextWordsValidator:
    """Refuse a password that contains the person's user name, the name part of their e-mail address, or
    their name as the app shows it (case and spaces ignored)."""

    def validate(self, password, user=None):
        compact = password.lower().replace(" ", "").replace("\u3000", "")
        for word in _context_words(user):
            if word in compact:
                raise ValidationError(
                    _("ユーザー名・メールアドレス・氏名を含むパスワードは使えません。"),
                    code="password_contains_user_name",
                )

    def get_help_text(self):
        return _("ユーザー名・メールアドレス・氏名を含むパスワードは使えません。")
