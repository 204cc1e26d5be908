from collections.abc import Callable

from django.conf import settings

from . import faces

# What the menu and the page frame may ask of a person (``menu.audit_log``): each app registers its questions in
# its AppConfig.ready, answered by the same permission helpers its views use.
_questions: dict[str, Callable[[object], bool]] = {}
# The page a question's menu entry opens (core.faces): on the contractor face an entry is offered only when its
# page is on that face; a question without a page (``ward_staff``: the footer) is the ward face's alone.
_pages: dict[str, str] = {}


def register(name: str, question: Callable[[object], bool], *, page: str = "") -> None:
    """``question(user)`` is asked of a signed-in person only, once per page, when the page asks ``menu.<name>``;
    ``page`` is the URL name its menu entry opens, if it opens one."""
    _questions[name] = question
    _pages[name] = page


class Menu:
    """What the main menu offers this person: only what they may open. Each answer is worked out only when a
    page's menu asks for it; a name nobody registered is not offered."""

    def __init__(self, user, face: str = faces.WARD):
        self.user = user
        self.face = face
        self._answers: dict[str, bool] = {}

    def __getitem__(self, name: str) -> bool:
        if name not in _questions:
            raise KeyError(name)
        if name not in self._answers:
            user = self.user
            on_face = self.face == faces.WARD or faces.on_contractor_face(_pages.get(name, ""))
            self._answers[name] = bool(on_face and user is not None and user.is_authenticated and _questions[name](user))
        return self._answers[name]

    def __getattr__(self, name: str) -> bool:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def site(request):
    face = getattr(request, "app_face", faces.WARD)
    return {
        "demo_skip_two_factor": settings.DEMO_SKIP_TWO_FACTOR_ENROLMENT,
        "menu": Menu(getattr(request, "user", None), face),
        "app_face": face,
    }
