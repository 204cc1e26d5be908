"""Small helpers: the scheduled reports of contract A written, a report submitted by its manager."""

from statusreports import services
from statusreports.models import StatusReport


def scheduled(world):
    services.scheduled_reports_sync(contract=world.contract)
    return list(StatusReport.objects.filter(contract=world.contract, kind="scheduled").order_by("due_on"))


def first_report(world):
    return scheduled(world)[0]


def submitted(world, text="5月は準備のみ。個人情報の受領はない。"):
    return services.report_submit(report=first_report(world), actor=world.manager, text=text)
