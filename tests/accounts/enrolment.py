"""Helpers for the enrolment-link tests: a person reported as new and approved, and the link they got."""

import re

from django.core import mail
from django.urls import reverse

from contracts import services
from contracts.models import Designation

LINK = re.compile(r"https?://\S+/accounts/welcome/([A-Za-z0-9_-]+)/")
_counter = iter(range(1, 10_000))


def approved_new_person(world, *, name="分析 次郎", email=None, kind=Designation.Kind.HANDLER) -> Designation:
    email = email or f"analyst{next(_counter)}@example.co.jp"
    designation = services.designation_report_new_person(contract=world.contract, display_name=name, email=email,
                                                          kind=kind, duties="集計・分析", actor=world.manager)
    return services.designation_approve(designation=designation, actor=world.hr)


def token_from_last_mail(to: str | None = None) -> str:
    message = mail.outbox[-1]
    if to is not None:
        assert message.to == [to]
    return LINK.search(message.body).group(1)


def invitation_token(world) -> str:
    """A fresh, valid enrolment link's token (for the permission matrix)."""
    approved_new_person(world)
    return token_from_last_mail()


def open_link(client, token: str):
    """What the person does: open the link from the mail (a page with one button, 「登録を始める」), press the
    button (the link becomes this browser's), and land on the page with the QR code, which is returned."""
    client.get(reverse("accounts:welcome_link", kwargs={"token": token}))
    client.post(reverse("accounts:welcome"))
    return client.get(reverse("accounts:welcome"))
