"""How the survey export's audit entries read (see audit/formatting.py).

Add a label here for every action this app writes. The package download goes into
PERSONAL_DATA_DOWNLOADS too, so that the auditors' view of who downloaded personal data lists it.
"""

LABELS = {}

PERSONAL_DATA_DOWNLOADS = set()
