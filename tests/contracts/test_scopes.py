"""Roles held on a part of the ward's organisation (ScopeGrant): section staff (担当課) see and manage their
section's contracts only; the privacy and audit offices read and export a department's or the whole ward's;
a revoked grant opens nothing; a grant per contract (membership) still works for the exceptions."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEntry
from contracts import services
from contracts.models import Organisation, Role, ScopeGrant
from contracts.permissions import can, contracts_where, people_who_can, roles_in_force, roles_remembered
from contracts.scopes import scope_q, units_under
from core.errors import DomainError
from tests.factories import make_contract, make_user

pytestmark = pytest.mark.django_db
K = Organisation.Kind


@pytest.fixture
def tree(world):
    """総務部 → the world's section → 研修係; 区民部 → 税務課 (the world's); 福祉部 → 福祉課, with a contract in
    each."""
    actor = world.hr
    somu = services.unit_save(code="somu", name="総務部", kind=K.DEPARTMENT, parent=None, actor=actor)
    # The world's section joins the tree under its department.
    world.ward.code, world.ward.parent = "jinji", somu
    world.ward.save()
    kenshu = services.unit_save(code="kenshu", name="研修係", kind=K.UNIT, parent=world.ward, actor=actor)
    # The world's other section (区民部 → 税務課, whose clerk is the world's section_other).
    zeimu = world.other_section
    kumin = zeimu.parent
    fukushi_bu = services.unit_save(code="fukushi", name="福祉部", kind=K.DEPARTMENT, parent=None, actor=actor)
    fukushi = services.unit_save(code="fukushika", name="福祉課", kind=K.WARD_SECTION, parent=fukushi_bu, actor=actor)
    contractor = world.contractor
    contracts = {
        "kenshu": make_contract(hr=world.hr, ward=kenshu, contractor=contractor, slug="kenshu-1", title="研修係の契約"),
        "zeimu": make_contract(hr=world.hr, ward=zeimu, contractor=contractor, slug="zeimu-1", title="税務課の契約"),
        "fukushi": make_contract(hr=world.hr, ward=fukushi, contractor=contractor, slug="fukushi-1",
                                 title="福祉課の契約"),
    }
    # The world's HR made them (a membership each); the scoped staff below hold none.
    return {"somu": somu, "kenshu": kenshu, "kumin": kumin, "zeimu": zeimu, "fukushi_bu": fukushi_bu,
            "fukushi": fukushi, "contracts": contracts, "jinji": world.ward}


def _person(username, world, **kwargs):
    # Nobody of the world: a person holding nothing but what the test gives them.
    return make_user(username, world.ward, display_name=username, **kwargs)


def _slugs(user, action="view"):
    return sorted(contracts_where(user, action).values_list("slug", flat=True))


def test_units_under_and_scope_q(world, tree):
    assert units_under(tree["somu"]) == {tree["somu"].pk, tree["jinji"].pk, tree["kenshu"].pk}
    assert units_under(tree["zeimu"]) == {tree["zeimu"].pk}
    from contracts.models import Contract
    assert sorted(Contract.objects.filter(scope_q(tree["somu"])).values_list("slug", flat=True)) == [
        "contract-a", "contract-b", "kenshu-1"]
    assert Contract.objects.filter(scope_q(None)).count() == 5


def test_section_staff_see_and_manage_only_their_section(world, tree, client_as):
    clerk = _person("zeimu_clerk", world)
    services.scope_grant(user=clerk, role=Role.HR, unit=tree["zeimu"], actor=world.hr)
    assert _slugs(clerk) == ["zeimu-1"]
    assert _slugs(clerk, "manage") == ["zeimu-1"]
    zeimu = tree["contracts"]["zeimu"]
    assert can(clerk, zeimu, "manage") and not can(clerk, world.contract, "view")
    client = client_as(clerk)
    assert client.get(reverse("contracts:detail", kwargs={"slug": "zeimu-1"})).status_code == 200
    assert client.get(reverse("contracts:detail", kwargs={"slug": "contract-a"})).status_code == 404
    assert client.get(reverse("contracts:detail", kwargs={"slug": "fukushi-1"})).status_code == 404
    listed = client.get(reverse("contracts:list")).content.decode()
    assert "税務課の契約" in listed and "契約A" not in listed and "福祉課の契約" not in listed
    # The world's own clerk of that section too.
    assert _slugs(world.section_other) == ["zeimu-1"]
    assert clerk in people_who_can(zeimu, "manage") and clerk not in people_who_can(world.contract, "view")


def test_a_section_grant_reaches_its_units(world, tree):
    clerk = _person("jinji_clerk", world)
    services.scope_grant(user=clerk, role=Role.HR, unit=tree["jinji"], actor=world.hr)
    assert _slugs(clerk) == ["contract-a", "contract-b", "kenshu-1"]


@pytest.mark.parametrize("unit, expected", [
    (None, ["contract-a", "contract-b", "fukushi-1", "kenshu-1", "zeimu-1"]),
    ("somu", ["contract-a", "contract-b", "kenshu-1"]),
    ("kumin", ["zeimu-1"]),
])
@pytest.mark.parametrize("role", [Role.PRIVACY, Role.AUDITOR])
def test_privacy_and_audit_offices_read_their_department_or_the_ward(world, tree, client_as, role, unit, expected):
    person = _person("office", world)
    services.scope_grant(user=person, role=role, unit=tree[unit] if unit else None, actor=world.hr)
    assert _slugs(person) == expected
    assert _slugs(person, "audit") == expected
    assert _slugs(person, "manage") == []
    client = client_as(person)
    for slug in ["contract-a", "zeimu-1", "fukushi-1"]:
        status = client.get(reverse("contracts:detail", kwargs={"slug": slug})).status_code
        assert status == (200 if slug in expected else 404), slug
    # Reading, never changing.
    edit = client.get(reverse("contracts:edit", kwargs={"slug": expected[0]}))
    assert edit.status_code == 403


def test_a_revoked_grant_opens_nothing(world, tree, client_as):
    person = _person("ito", world)
    grant = services.scope_grant(user=person, role=Role.PRIVACY, unit=None, actor=world.hr)
    client = client_as(person)
    assert client.get(reverse("contracts:detail", kwargs={"slug": "zeimu-1"})).status_code == 200
    services.scope_revoke(grant=grant, actor=world.hr)
    assert _slugs(person) == []
    assert client.get(reverse("contracts:detail", kwargs={"slug": "zeimu-1"})).status_code == 404
    assert list(AuditEntry.objects.filter(action__startswith="contract.scope.", object_id=str(grant.pk))
                .values_list("action", flat=True).order_by("seq")) == ["contract.scope.granted", "contract.scope.revoked"]


def test_a_membership_still_works_beside_the_scopes(world, tree, client_as):
    """The guardian exception: a person of another section granted one contract by its HR."""
    clerk = _person("zeimu_clerk", world)
    services.scope_grant(user=clerk, role=Role.HR, unit=tree["zeimu"], actor=world.hr)
    services.membership_grant(contract=world.contract, user=clerk, role="auditor", actor=world.hr)
    assert _slugs(clerk) == ["contract-a", "zeimu-1"]
    assert roles_in_force(clerk, world.contract) == {Role.AUDITOR}
    assert roles_in_force(clerk, tree["contracts"]["zeimu"]) == {Role.HR}


def test_the_request_reads_scoped_roles_once(world, tree):
    person = _person("ito", world)
    services.scope_grant(user=person, role=Role.PRIVACY, unit=tree["somu"], actor=world.hr)
    contracts = list(type(world.contract).objects.all())
    with roles_remembered():
        assert {c.slug for c in contracts if can(person, c, "view")} == {"contract-a", "contract-b", "kenshu-1"}
        with CaptureQueriesContext(connection) as queries:
            for c in contracts:
                can(person, c, "audit")
            assert _slugs(person) == ["contract-a", "contract-b", "kenshu-1"]
        assert len(queries) == 1  # the list itself
        # A grant given in the request is seen at once.
        services.scope_grant(user=person, role=Role.PRIVACY, unit=tree["kumin"], actor=world.hr)
        assert can(person, tree["contracts"]["zeimu"], "view")


def test_scope_rules_refuse_the_wrong_unit(world, tree):
    person = _person("p", world)
    with pytest.raises(DomainError) as refused:
        services.scope_grant(user=person, role=Role.HR, unit=tree["somu"], actor=world.hr)
    assert refused.value.field == "unit" and "課又は係" in refused.value.message
    with pytest.raises(DomainError):
        services.scope_grant(user=person, role=Role.HR, unit=None, actor=world.hr)
    with pytest.raises(DomainError) as refused:
        services.scope_grant(user=person, role=Role.PRIVACY, unit=tree["zeimu"], actor=world.hr)
    assert "部又は区全体" in refused.value.message
    with pytest.raises(DomainError):
        services.scope_grant(user=person, role=Role.CONTRACTOR_MANAGER, unit=tree["zeimu"], actor=world.hr)
    assert not ScopeGrant.objects.filter(user=person).exists()


def test_scopes_replace_follows_the_directory(world, tree):
    person = _person("dir", world)
    manual = services.scope_grant(user=person, role=Role.AUDITOR, unit=tree["kumin"], actor=world.hr)
    added, removed = services.scopes_replace(user=person, wanted=[(Role.HR, tree["zeimu"]), (Role.PRIVACY, None)])
    assert len(added) == 2 and removed == []
    assert services.scopes_replace(user=person, wanted=[(Role.HR, tree["zeimu"]), (Role.PRIVACY, None)]) == ([], [])
    added, removed = services.scopes_replace(user=person, wanted=[(Role.HR, tree["fukushi"])])
    assert [g.unit for g in added] == [tree["fukushi"]]
    assert sorted(g.role for g in removed) == [Role.HR, Role.PRIVACY]
    active = ScopeGrant.objects.filter(user=person, revoked_at__isnull=True)
    assert {(g.role, g.unit_id, g.source) for g in active} == {
        (Role.AUDITOR, tree["kumin"].pk, "manual"), (Role.HR, tree["fukushi"].pk, "directory")}
    assert manual in active
    assert _slugs(person) == ["fukushi-1", "zeimu-1"]


def test_unit_save_keeps_the_tree_in_shape(world, tree):
    actor = world.hr
    with pytest.raises(DomainError) as refused:
        services.unit_save(code="x1", name="課の下の課", kind=K.WARD_SECTION, parent=tree["zeimu"], actor=actor)
    assert refused.value.field == "parent" and "部を指定" in refused.value.message
    with pytest.raises(DomainError) as refused:
        services.unit_save(code="x2", name="部の下の係", kind=K.UNIT, parent=tree["kumin"], actor=actor)
    assert "課を指定" in refused.value.message
    with pytest.raises(DomainError) as refused:
        services.unit_save(code="x3", name="上のある部", kind=K.DEPARTMENT, parent=tree["kumin"], actor=actor)
    assert "空欄" in refused.value.message
    with pytest.raises(DomainError) as refused:
        services.unit_save(code="x4", name="福祉課", kind=K.WARD_SECTION, parent=tree["kumin"], actor=actor)
    assert refused.value.field == "name"
    with pytest.raises(DomainError) as refused:
        services.unit_save(code="", name="名無し", kind=K.DEPARTMENT, parent=None, actor=actor)
    assert refused.value.field == "code"
    # A department cannot become a section while sections hang from it.
    with pytest.raises(DomainError) as refused:
        services.unit_save(code="kumin", name="区民部", kind=K.WARD_SECTION, parent=tree["somu"], actor=actor)
    # (区民部 has 税務課 below it.)
    assert refused.value.field == "kind"
    assert not Organisation.objects.filter(code__startswith="x").exists()
    # Update by code: the section moves to another department, one audit entry.
    before = AuditEntry.objects.filter(action="contract.unit.changed").count()
    name = tree["zeimu"].name
    moved = services.unit_save(code="zeimu", name=name, kind=K.WARD_SECTION, parent=tree["fukushi_bu"], actor=actor)
    assert moved.pk == tree["zeimu"].pk and moved.parent == tree["fukushi_bu"]
    services.unit_save(code="zeimu", name=name, kind=K.WARD_SECTION, parent=tree["fukushi_bu"], actor=actor)
    assert AuditEntry.objects.filter(action="contract.unit.changed").count() == before + 1


def test_unit_save_refuses_a_cycle(world):
    actor = world.hr
    a = services.unit_save(code="a", name="A課", kind=K.WARD_SECTION, parent=services.unit_save(
        code="d", name="D部", kind=K.DEPARTMENT, parent=None, actor=actor), actor=actor)
    services.unit_save(code="u", name="U係", kind=K.UNIT, parent=a, actor=actor)
    # A section made a unit under its own unit: refused (a cycle), not a 500.
    with pytest.raises(DomainError):
        services.unit_save(code="a", name="A課", kind=K.UNIT, parent=Organisation.objects.get(code="u"), actor=actor)


def _contract_post(world, section):
    from tests.test_bounds import _contract_data

    data = _contract_data(world)
    data["ward_section"] = section.pk
    data["title"] = "新しい契約"
    return data


def test_a_section_clerk_registers_contracts_in_their_sections_only(world, tree, client_as):
    clerk = _person("zeimu_clerk", world)  # in no group: the 担当課 scope is what lets them register
    services.scope_grant(user=clerk, role=Role.HR, unit=tree["zeimu"], actor=world.hr)
    client = client_as(clerk)
    page = client.get(reverse("contracts:create"))
    assert page.status_code == 200
    offered = {choice[1] for choice in page.context["form"].fields["ward_section"].choices if choice[0]}
    assert offered == {"新宿区 区民部税務課"}
    # Another section, posted by hand: refused at the field, nothing written.
    response = client.post(reverse("contracts:create"), _contract_post(world, tree["fukushi"]))
    assert response.status_code == 200 and response.context["form"].errors["ward_section"]
    assert not type(world.contract).objects.filter(title="新しい契約").exists()
    with pytest.raises(DomainError) as refused:
        services.contract_create(actor=clerk, **{**{f: getattr(world.contract, f) for f in services.CONTRACT_FIELDS},
                                                 "ward_section": tree["fukushi"]})
    assert refused.value.field == "ward_section"
    response = client.post(reverse("contracts:create"), _contract_post(world, tree["zeimu"]))
    assert response.status_code == 302
    made = type(world.contract).objects.get(title="新しい契約")
    assert made.ward_section == tree["zeimu"] and can(clerk, made, "manage")


def test_hr_without_a_scope_keeps_every_section(world, tree, client_as):
    """The group's HR from before the scopes (no 担当課 grant) is offered every section, as before."""
    page = client_as(world.hr).get(reverse("contracts:create"))
    offered = {choice[1] for choice in page.context["form"].fields["ward_section"].choices if choice[0]}
    assert {"新宿区 区民部税務課", "福祉課", world.ward.name} <= offered


def _org_post(**values):
    data = {"name": "", "kind": "", "code": "", "parent": "", "address": "", "emergency_contact_name": "",
            "emergency_contact_phone": "", "emergency_contact_email": "", "emergency_procedure": ""}
    data.update(values)
    return data


def test_the_administrator_keeps_the_tree_in_the_admin(admin_client, world, tree):
    url = reverse("admin:contracts_organisation_add")
    response = admin_client.post(url, _org_post(name="課の下の課", kind=K.WARD_SECTION, code="bad",
                                                parent=tree["zeimu"].pk))
    assert response.status_code == 200
    assert "課の上位組織には部を指定してください。" in response.content.decode()
    response = admin_client.post(url, _org_post(name="コードのない係", kind=K.UNIT, parent=tree["zeimu"].pk))
    assert "区の組織には組織コードを入力してください。" in response.content.decode()
    response = admin_client.post(url, _org_post(name="収納係", kind=K.UNIT, code="shuno", parent=tree["zeimu"].pk))
    assert response.status_code == 302
    assert Organisation.objects.get(code="shuno").parent == tree["zeimu"]
    # A department made a unit under its own section: refused (a cycle), nothing changed.
    change = reverse("admin:contracts_organisation_change", args=[tree["kumin"].pk])
    response = admin_client.post(change, _org_post(name="区民部", kind=K.UNIT, code=tree["kumin"].code,
                                                   parent=tree["zeimu"].pk))
    assert response.status_code == 200
    assert Organisation.objects.get(code="kumin").kind == K.DEPARTMENT


def test_the_administrator_grants_and_revokes_a_scope_in_the_admin(admin_client, world, tree):
    person = _person("yamamoto", world)
    url = reverse("admin:contracts_scopegrant_add")
    response = admin_client.post(url, {"user": person.pk, "role": Role.HR, "unit": tree["kumin"].pk})
    assert response.status_code == 200 and "担当課の役割は、課又は係に付与してください。" in response.content.decode()
    response = admin_client.post(url, {"user": person.pk, "role": Role.HR, "unit": tree["zeimu"].pk})
    assert response.status_code == 302
    grant = ScopeGrant.objects.get(user=person)
    assert grant.granted_by == admin_client.superuser and _slugs(person) == ["zeimu-1"]
    assert AuditEntry.objects.filter(action="contract.scope.granted", object_id=str(grant.pk)).exists()
    response = admin_client.post(reverse("admin:contracts_scopegrant_changelist"),
                                 {"action": "revoke", "_selected_action": [grant.pk]})
    assert response.status_code == 302
    assert _slugs(person) == []
    assert AuditEntry.objects.filter(action="contract.scope.revoked", object_id=str(grant.pk)).exists()


def test_a_department_scoped_office_exports_only_its_departments_ledgers(world, tree, client_as):
    """The privacy office of 区民部 exports the ledger of 税務課's contract; another department's is not there."""
    person = _person("kumin_privacy", world)
    services.scope_grant(user=person, role=Role.PRIVACY, unit=tree["kumin"], actor=world.hr)
    client = client_as(person)
    mine = client.get(reverse("handover:ledger_export", kwargs={"slug": "zeimu-1", "fmt": "xlsx"}))
    assert mine.status_code == 200 and mine["Content-Disposition"].startswith("attachment")
    for slug in ("contract-a", "fukushi-1"):
        assert client.get(reverse("handover:ledger_export", kwargs={"slug": slug, "fmt": "xlsx"})).status_code == 404
    # And the audit office of the whole ward exports every one.
    office = _person("audit_office", world)
    services.scope_grant(user=office, role=Role.AUDITOR, unit=None, actor=world.hr)
    client = client_as(office)
    for slug in ("contract-a", "zeimu-1", "fukushi-1"):
        assert client.get(reverse("handover:ledger_export", kwargs={"slug": slug, "fmt": "xlsx"})).status_code == 200


def test_the_list_costs_the_same_queries_however_many_contracts_the_scope_holds(world, tree, client_as):
    """The privacy office's list asks its roles once, whatever the number of contracts in its scope."""
    person = _person("ward_privacy", world)
    services.scope_grant(user=person, role=Role.PRIVACY, unit=None, actor=world.hr)
    client = client_as(person)
    url = reverse("contracts:list")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    before = queries()
    for n in range(6):
        make_contract(hr=world.hr, ward=tree["fukushi"], contractor=world.contractor, slug=f"more-{n}",
                      title=f"追加の契約{n}")
    assert queries() == before
    assert "追加の契約5" in client.get(url).content.decode()


def test_a_unit_keeps_its_kind_while_roles_or_contracts_rest_on_it(world, tree):
    """A 課 whose clerks hold 担当課 on it does not become a 部 (its clerks would reach every 課 later placed
    under it), nor does a 課 that owns contracts; a 課 with neither may."""
    actor = world.hr
    with pytest.raises(DomainError) as refused:
        services.unit_save(code="fukushika", name=tree["fukushi"].name, kind=K.DEPARTMENT, parent=None, actor=actor)
    assert refused.value.field == "kind" and "契約" in refused.value.message
    kaigo = services.unit_save(code="kaigo", name="介護保険課", kind=K.WARD_SECTION, parent=tree["fukushi_bu"],
                               actor=actor)
    grant = services.scope_grant(user=_person("kaigo-clerk", world), role=Role.HR, unit=kaigo, actor=actor)
    with pytest.raises(DomainError) as refused:
        services.unit_save(code="kaigo", name=kaigo.name, kind=K.DEPARTMENT, parent=None, actor=actor)
    assert refused.value.field == "kind" and "役割" in refused.value.message
    kaigo.refresh_from_db()
    assert kaigo.kind == K.WARD_SECTION
    services.scope_revoke(grant=grant, actor=actor)
    assert services.unit_save(code="kaigo", name=kaigo.name, kind=K.DEPARTMENT, parent=None,
                              actor=actor).kind == K.DEPARTMENT
