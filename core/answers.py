"""The one answer to "may this person do this now", for the page, the view and the service alike.

Every rule of every app is one ``may_*`` function in that app's ``permissions.py`` returning an
:class:`Answer`. The page offers a form or a button only when the answer allows (an Answer is truthy
when it does); the view calls :meth:`Answer.or_403` before it reads a form, so a refusal because of who
the person is becomes 403; the service asks the same function under its row locks and calls
:meth:`Answer.require`, which raises the refusal's message as a :class:`~core.errors.DomainError` that
the page shows next to the form. A service that answers a refusal of who the person is with 403 rather
than a message (as the contract and checklist services do) calls ``answer.or_403().require()``.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from .errors import DomainError


@dataclass(frozen=True)
class Answer:
    allowed: bool
    message: str = ""
    code: str = ""
    # Refused because of who the person is (403 on the page), not because of the object's state.
    forbidden: bool = False
    # Allowed only as someone else's stand-in, with a stated reason: the person acted for.
    on_behalf_of: object = None

    def __bool__(self) -> bool:
        return self.allowed

    def require(self, field: str | None = None) -> "Answer":
        """Raise the refusal as a domain error (for services), shown at ``field`` where there is one."""
        if not self.allowed:
            raise DomainError(self.message, field=field, code=self.code or None)
        return self

    def or_403(self) -> "Answer":
        """Raise 403 when who the person is forbids this (for views); a refusal of state goes on to the
        service, whose message the page shows."""
        if self.forbidden:
            raise PermissionDenied
        return self


YES = Answer(True)


def no(message, code: str = "", *, forbidden: bool = False) -> Answer:
    """A refusal saying why (``message``, in words for the person who tried) and, with ``forbidden``, that
    it is because of who the person is."""
    return Answer(False, str(message), code, forbidden=forbidden)
