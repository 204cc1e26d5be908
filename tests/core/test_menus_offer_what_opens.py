"""Menus show only what the person may open: the 監査証跡 item led contractors to 「権限がありません」."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ROLES = ["hr", "manager", "handler", "auditor", "other", "outsider"]


def menu_links(body: str, label: str) -> list[str]:
    nav = re.search(rf'<nav[^>]*aria-label="{label}"[^>]*>(.*?)</nav>', body, re.S)
    return re.findall(r'href="([^"]+)"', nav.group(1)) if nav else []


@pytest.mark.parametrize("role", ROLES)
def test_every_main_menu_item_opens_for_the_person_it_is_shown_to(world, client_as, role):
    client = client_as(world.user(role))
    links = menu_links(client.get(reverse("core:dashboard")).content.decode(), "メインメニュー")
    assert reverse("core:dashboard") in links
    for url in links:
        assert client.get(url).status_code == 200, (role, url)


@pytest.mark.parametrize("role", ["manager", "handler", "other", "outsider"])
def test_the_audit_trail_is_not_offered_to_those_it_refuses(world, client_as, role):
    client = client_as(world.user(role))
    body = client.get(reverse("core:dashboard")).content.decode()
    assert reverse("audit:log") not in menu_links(body, "メインメニュー")
    assert "監査証跡" not in body
    assert client.get(reverse("audit:log")).status_code == 403


@pytest.mark.parametrize("role", ["auditor", "hr"])
def test_the_audit_trail_is_offered_to_those_it_serves(world, client_as, role):
    client = client_as(world.user(role))
    assert reverse("audit:log") in menu_links(client.get(reverse("core:dashboard")).content.decode(), "メインメニュー")


@pytest.mark.parametrize("role", ["hr", "manager", "handler", "auditor"])
def test_every_contract_menu_item_opens_for_the_person_it_is_shown_to(world, client_as, role):
    client = client_as(world.user(role))
    slug = world.contract.slug
    for page, label in ((reverse("contracts:detail", args=[slug]), "契約のメニュー"),
                        (reverse("handover:items", args=[slug]), "受渡しのメニュー"),
                        (reverse("checklist:overview", args=[slug]), "チェックリストのメニュー")):
        response = client.get(page)
        assert response.status_code == 200, (role, page)
        for url in menu_links(response.content.decode(), label):
            assert client.get(url).status_code == 200, (role, page, url)
