from accounts.models import EnrolmentInvitation
from tests.accounts.enrolment import invitation_token
from tests.matrix import DONE, LOGIN, REDIRECT, ROLES, Row, audited, statuses


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


ROWS = [
    # A signed-in person is sent on from the login page; a stranger sees the form (200), or errors (200).
    Row("accounts:login", get=statuses(302, anon=200), post=statuses(REDIRECT, anon=200)),
    Row("accounts:logout", get=statuses(405, anon=405), post=statuses(DONE, anon=LOGIN), happened=audited("auth.logout")),
    Row("accounts:verify", get=statuses(302), post=statuses(REDIRECT)),
    Row("accounts:enrol", get=statuses(302), post=statuses(REDIRECT)),
    Row("accounts:password_change", get=statuses(200), post=statuses(200)),
    # The enrolment link (a valid token): only a visitor who is not signed in goes on (to the token-free
    # address, claiming nothing); anyone signed in is told to sign out first. Only GET.
    Row("accounts:welcome_link", kwargs=lambda w: {"token": invitation_token(w)},
        get=statuses(403, anon=302), post=everyone(405)),
    # With a link opened in the session, GET shows the 「登録を始める」 button and the POST claims the link for
    # the session (then sets the password and authenticator): tests/accounts/test_enrolment_link.py. Here no
    # link was opened in the session, so there is nothing to show or claim (404, nothing changes); signed in, 403.
    Row("accounts:welcome", get=statuses(403, anon=404), post=statuses(403, anon=404),
        happened=lambda case: EnrolmentInvitation.objects.exclude(opened_by="").exists()),
]
