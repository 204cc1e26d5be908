"""Test-only fault injection, for the tests that kill a web worker in the middle of a request.

With settings.FAULT_PAUSE_AFTER_SAVE = "<app_label.model>:<marker file>" (env
DJANGO_TEST_FAULT_PAUSE_AFTER_SAVE; the settings refuse it unless DJANGO_HTTPS=0), the first process to save
such a row while the marker file does not exist writes its pid there and sleeps, still inside the request's
transaction, so the test knows which worker to SIGKILL and when: after that write, before the rest of the
request's writes. Later saves (the retry) pass, since the marker exists. Production never sets it; unset,
nothing here is connected.
"""

import os
import time

from django.apps import apps
from django.conf import settings
from django.db.models.signals import post_save

# Longer than a test needs to kill the worker, shorter than gunicorn's default 30 s worker timeout.
PAUSE_SECONDS = 20


def install() -> None:
    spec = settings.FAULT_PAUSE_AFTER_SAVE
    if not spec:
        return
    label, _colon, marker = spec.partition(":")
    model = apps.get_model(label)

    def pause(sender, instance, **kwargs):
        try:
            with open(marker, "x") as f:  # exclusive: of two workers, only one pauses
                f.write(str(os.getpid()))
        except FileExistsError:
            return
        time.sleep(PAUSE_SECONDS)

    post_save.connect(pause, sender=model, weak=False, dispatch_uid="core.faults.pause")
