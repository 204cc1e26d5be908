from tests.matrix import LOGIN, REDIRECT, Row, statuses

ROWS = [
    Row("core:dashboard", get=statuses(200), post=statuses(405)),
    Row("admin_login", get=statuses(302), post=statuses(REDIRECT)),
    # The whole admin site sits behind the app's login and second factor; no role of the matrix is staff.
    Row("admin:index", get=statuses(302, anon=LOGIN), post=statuses(REDIRECT, anon=LOGIN), covers=("admin:*",)),
]
