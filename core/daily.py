"""The daily jobs: what ``manage.py send_reminders`` runs every morning (the systemd timer or cron).

Each app registers its reminders, purges and summaries in its own ``AppConfig.ready``; the command, on the
ground floor, runs them in their order and prints the line each returns. A job takes the label the audit
trail names it by (``actor_label``) and returns one line saying what it did::

    from core import daily

    def daily_reminders(*, actor_label: str) -> str:
        sent = ...
        return f"{sent} reminder mails sent."

    daily.register("handover.reminders", daily_reminders, order=10)
"""

from collections.abc import Callable
from dataclasses import dataclass

ACTOR_LABEL = "manage.py send_reminders"


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[..., str]
    order: int


_jobs: dict[str, Job] = {}


def register(name: str, run: Callable[..., str], *, order: int) -> Callable[..., str]:
    """Add the job ``name``; registering it again replaces it (``ready`` may run twice in tests)."""
    _jobs[name] = Job(name=name, run=run, order=order)
    return run


def jobs() -> list[Job]:
    return sorted(_jobs.values(), key=lambda job: (job.order, job.name))

