from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .health import failed_checks


@login_not_required
@never_cache
@require_safe
def healthz(request):
    """For the load balancer: 200 ``{"status": "ok"}`` or 503 with the names of the failed checks. No login,
    no data, no cookie (the session is never touched)."""
    failed = failed_checks()
    if failed:
        return JsonResponse({"status": "unavailable", "failed": failed}, status=503)
    return JsonResponse({"status": "ok"})
