"""Forms say what is wrong where the eye is, in markup a screen reader can follow.

Every help text and error message an input is described by (``aria-describedby``) exists once on the page;
a form sent back with errors starts with a summary whose links each lead to an input marked
``aria-invalid="true"``. The help texts used to point at ``id_label_helptext`` while the page said
``id_label_help``.
"""

from collections import Counter
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from handover import services
from handover.models import Item, MediumKind

pytestmark = pytest.mark.django_db


class Page(HTMLParser):
    def __init__(self, html: str):
        super().__init__()
        self.elements: list[tuple[str, dict]] = []
        self.summaries = 0
        self.summary_links: list[str] = []
        self._in_summary = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.elements.append((tag, attrs))
        if "data-error-summary" in attrs:
            self.summaries += 1
            self._in_summary = 1
        elif self._in_summary and tag == "div":
            self._in_summary += 1
        if self._in_summary and tag == "a":
            self.summary_links.append(attrs["href"])

    def handle_endtag(self, tag):
        if self._in_summary and tag == "div":
            self._in_summary -= 1

    @property
    def ids(self) -> Counter:
        return Counter(attrs["id"] for _, attrs in self.elements if attrs.get("id"))

    def by_id(self, id_: str) -> dict:
        return next(attrs for _, attrs in self.elements if attrs.get("id") == id_)

    def invalid_ids(self) -> set[str]:
        return {attrs.get("id") for _, attrs in self.elements if attrs.get("aria-invalid") == "true"}


def assert_described_by_what_exists(page: Page):
    ids = page.ids
    for tag, attrs in page.elements:
        for ref in (attrs.get("aria-describedby") or "").split():
            assert ids[ref] == 1, f"<{tag} id={attrs.get('id')}> is described by #{ref}, found {ids[ref]} times"


def assert_summary_leads_to_invalid_fields(page: Page):
    assert page.summaries == 1
    assert page.summary_links
    invalid = page.invalid_ids()
    for href in page.summary_links:
        assert href.startswith("#") and href[1:] in invalid, href
    for id_ in invalid:
        described = page.by_id(id_).get("aria-describedby", "")
        # A grouped input (radios, checkboxes) is described through its fieldset instead.
        assert f"{id_}_error" in described or id_.rsplit("_", 1)[0] + "_error" in page.ids, id_


@pytest.fixture
def disc(world):
    kind, _ = MediumKind.objects.get_or_create(name="CD-R")
    return services.item_register(contract=world.contract, actor=world.hr, category=Item.Category.MEDIUM,
                                  medium_kind=kind, label="CD-001", contents="職員属性・調査回答",
                                  sha256="a" * 64, file_name="engagement.xlsx")


def form_pages(world, disc):
    slug = world.contract.slug
    return [
        ("hr", reverse("contracts:create")),
        ("hr", reverse("contracts:edit", args=[slug])),
        ("hr", reverse("contracts:detail", args=[slug])),
        ("manager", reverse("contracts:designations", args=[slug])),
        ("hr", reverse("handover:item_create", args=[slug])),
        ("hr", reverse("handover:handover_create", args=[slug])),
        ("hr", reverse("handover:ledger", args=[slug])),
        ("auditor", reverse("audit:log")),
        ("hr", reverse("accounts:password_change")),
        ("hr", reverse("checklist:plan", args=[slug])),
    ]


def test_every_help_text_an_input_points_at_exists(world, disc, client_as):
    described = 0
    for role, url in form_pages(world, disc):
        response = client_as(world.user(role)).get(url)
        assert response.status_code == 200, url
        page = Page(response.content.decode())
        assert_described_by_what_exists(page)
        described += sum(1 for _, attrs in page.elements if attrs.get("aria-describedby"))
    assert described >= 5


def test_a_long_form_sent_back_starts_with_a_summary_linking_each_field(world, client_as):
    response = client_as(world.hr).post(reverse("contracts:create"), {"title": "令和8年度 分析業務", "fiscal_year": "2026"})
    page = Page(response.content.decode())
    assert_summary_leads_to_invalid_fields(page)
    assert_described_by_what_exists(page)
    assert "#id_purpose" in page.summary_links and "#id_title" not in page.summary_links
    body = response.content.decode()
    assert body.index("data-error-summary") < body.index('name="title"')


@pytest.mark.parametrize("role, name, data", [
    ("hr", "handover:item_create", {"category": "medium", "pieces": "0"}),
    ("hr", "handover:handover_create", {"container": ""}),
    ("manager", "contracts:designation_report", {"kind": "handler"}),
])
def test_forms_sent_back_mark_their_invalid_fields(world, disc, client_as, role, name, data):
    response = client_as(world.user(role)).post(reverse(name, args=[world.contract.slug]), data)
    assert response.status_code in (200, 400)
    page = Page(response.content.decode())
    assert_summary_leads_to_invalid_fields(page)
    assert_described_by_what_exists(page)


def test_a_refused_filter_is_summarised_too(world, client_as):
    response = client_as(world.hr).get(reverse("handover:ledger", args=[world.contract.slug]),
                                       {"date_from": "not a date"})
    page = Page(response.content.decode())
    assert_summary_leads_to_invalid_fields(page)
    assert "#id_date_from" in page.summary_links


def test_a_form_without_errors_has_no_summary(world, client_as):
    page = Page(client_as(world.hr).get(reverse("contracts:create")).content.decode())
    assert page.summaries == 0 and not page.invalid_ids()


def test_the_checklist_plan_summarises_a_missing_reason_and_links_to_it(world, client_as):
    from tests.checklist.helpers import finalise_plan

    finalise_plan(world)
    client = client_as(world.hr)
    url = reverse("checklist:plan", args=[world.contract.slug])
    page = Page(client.get(url).content.decode())
    assert_described_by_what_exists(page)
    assert page.by_id("id_revision_reason")["aria-describedby"] == "id_revision_reason_helptext"

    # A change after finalising needs a reason (and a ー needs one too): both are summarised and linked.
    data = {name: "planned" for name in (f"mark_{i}" for i in range(1, 49))}
    data["mark_1"] = "not_needed"
    response = client.post(url, data)
    page = Page(response.content.decode())
    assert_summary_leads_to_invalid_fields(page)
    assert_described_by_what_exists(page)
    assert "#id_revision_reason" in page.summary_links
