"""Turn (user, contract, action) into the contract or an error.

404 when the person may not see the contract at all (another contractor's contract does not exist
for them); 403 when they see it but may not do this. Views never call ``has_perm`` themselves.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed

from .models import Contract, Designation, Membership

ACTIONS = {
    "view": "contracts.view_contract",
    "manage": "contracts.manage_contract",          # HR of the owning section
    "receive": "contracts.receive_items",           # approved designee of the contractor
    "contractor_side": "contracts.manage_contractor_side",  # approved handling manager
    "audit": "contracts.audit_contract",            # auditor (and HR) reading and exporting
}


def can(user, contract: Contract, action: str) -> bool:
    return user.is_authenticated and user.has_perm(ACTIONS[action], contract)


def check_contract(user, contract: Contract, action: str = "view") -> Contract:
    if not can(user, contract, "view"):
        raise Http404
    if action != "view" and not can(user, contract, action):
        raise PermissionDenied
    return contract


def contract_for(user, slug: str, action: str = "view") -> Contract:
    try:
        contract = Contract.objects.select_related("ward_section", "contractor").get(slug=slug)
    except Contract.DoesNotExist:
        raise Http404 from None
    return check_contract(user, contract, action)


def designation_for(user, slug: str, pk: int, action: str = "view") -> Designation:
    contract = contract_for(user, slug, "view")
    try:
        designation = contract.designations.select_related("user__profile").get(pk=pk)
    except Designation.DoesNotExist:
        raise Http404 from None
    check_contract(user, contract, action)
    return designation


def membership_for(user, slug: str, pk: int, action: str = "manage") -> Membership:
    contract = contract_for(user, slug, "view")
    try:
        membership = contract.memberships.select_related("user").get(pk=pk)
    except Membership.DoesNotExist:
        raise Http404 from None
    check_contract(user, contract, action)
    return membership


def contract_methods(*methods: str):
    """Allow only ``methods`` on a view whose URL names a contract by ``slug``.

    Another method gets 405, but only once the person is known to see the contract: to someone who
    may not see it, the contract does not exist (404) whatever the method.
    """
    allowed = {m.upper() for m in methods}
    if "GET" in allowed:
        allowed.add("HEAD")

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method not in allowed:
                contract_for(request.user, kwargs["slug"], "view")
                return HttpResponseNotAllowed(sorted(allowed))
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


contract_post = contract_methods("POST")
contract_get = contract_methods("GET")
