from tests.matrix import Row, statuses

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
    Row("audit:verify", get=statuses(403, auditor=200), post=statuses(405)),
]
