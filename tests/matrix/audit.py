from tests.matrix import DONE, Row, audited, statuses


def _last_month(world) -> dict:
    from audit.analysis import Month

    month = Month.current().previous()
    return {"year": month.year, "month": month.month}


ROWS = [
    # HR reads its contracts' entries; the auditor also the security log (logins). Contractors never.
    Row("audit:log", get=statuses(403, hr=200, auditor=200), post=statuses(405)),
    Row("audit:export", get=statuses(403, hr=200, auditor=200), post=statuses(405)),
    # Who downloaded personal data, and when: the same readers (HR for its own contracts).
    Row("audit:downloads", get=statuses(403, hr=200, auditor=200), post=statuses(405)),
    Row("audit:downloads_export", get=statuses(403, hr=200, auditor=200), post=statuses(405)),
    # A refused filter is said on the page, never a 500 and never a file.
    Row("audit:export", query="?date_to=9999-12-31", get=statuses(403, hr=400, auditor=400), post=statuses(405)),
    Row("audit:downloads", query="?date_from=0226-04-01", get=statuses(403, hr=400, auditor=400),
        post=statuses(405)),
    # The security log is the 監査 group's: the privacy office reads its contracts' entries, not the log.
    Row("audit:verify", get=statuses(403, auditor=200, privacy=403), post=statuses(405)),
    # The monthly access-log analysis reads the security log: the auditors only (HR too gets 403).
    Row("audit:analysis", get=statuses(403, auditor=200, privacy=403), post=statuses(405)),
    Row("audit:analysis_month", kwargs=_last_month, get=statuses(403, auditor=200, privacy=403),
        post=statuses(405)),
    # A month not yet begun, or no month at all: 404 for the auditor, 403 before that for everyone else.
    Row("audit:analysis_month", kwargs=lambda w: {"year": 2100, "month": 1},
        get=statuses(403, auditor=404, privacy=403), post=statuses(405)),
    Row("audit:analysis_month", kwargs=lambda w: {"year": 2026, "month": 13},
        get=statuses(403, auditor=404, privacy=403), post=statuses(405)),
    Row("audit:analysis_record", kwargs=_last_month, get=statuses(405),
        post=statuses(403, auditor=DONE, privacy=403),
        data=lambda w: {"note": "不審なログインはなかった。"}, happened=audited("audit.analysis.recorded")),
]
