from tests.matrix import Row, statuses

ROWS = [
    # A signed-in person is sent on from the login page; a stranger sees the form (200), or errors (200).
    Row("accounts:login", get=statuses(302, anon=200), post=statuses(302, anon=200)),
    Row("accounts:logout", get=statuses(405, anon=405), post=statuses(302, anon=302)),
    Row("accounts:verify", get=statuses(302), post=statuses(302)),
    Row("accounts:enrol", get=statuses(302), post=statuses(302)),
    Row("accounts:password_change", get=statuses(200), post=statuses(200)),
]
