"""What the handover app tells the apps above it, without importing them (``conventions.md``, "Layers").

``custody_changed`` is sent inside the service's transaction when items come back to the ward (a return
acknowledged), with ``contract`` and ``actor``. A receiver returns the list of contract steps it moved
(the year's end completes ⑤ once the report is accepted and everything is back), which the service's audit
entry names.
"""

from django.dispatch import Signal

custody_changed = Signal()
