from tests.matrix import Row, statuses

ROWS = [
    # HR reads its contracts' entries; the auditor also the security log (logins). Contractors never.
    Row("audit:log", get=statuses(403, hr=200, auditor=200), post=statuses(405)),
    Row("audit:export", get=statuses(403, hr=200, auditor=200), post=statuses(405)),
    Row("audit:verify", get=statuses(403, auditor=200), post=statuses(405)),
]
