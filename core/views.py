from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from contracts.selectors import contract_list_for

from . import dashboard


@login_required
@require_safe
def home(request):
    contracts = list(contract_list_for(request.user))
    return render(request, "core/dashboard.html", {
        "contracts": contracts,
        "waiting": dashboard.waiting_for(request.user),
    })
