"""The administrator's import. No role of the matrix is an administrator (the 管理者 group or a superuser): every
signed-in role gets 403 on every page, GET and POST (tests/imports/ import as an administrator)."""

from tests.matrix import Row, statuses

FORBIDDEN = statuses(403)


def template(w):
    return {"kind": "contracts", "fmt": "xlsx"}


def preview(w):
    return {"digest": "0" * 64}


ROWS = [
    Row("imports:index", get=FORBIDDEN, post=FORBIDDEN),
    Row("imports:template", kwargs=template, get=FORBIDDEN, post=statuses(405)),
    Row("imports:preview", kwargs=preview, get=FORBIDDEN, post=FORBIDDEN),
]
