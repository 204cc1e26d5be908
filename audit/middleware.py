"""While the audit chain cannot be written, every page that would write to it says why, with a 503."""

import logging

from django.template.response import TemplateResponse

from .state import DeclarationMissing

logger = logging.getLogger(__name__)


class AuditChainUnwritableMiddleware:
    """A request whose work needs an audit entry while the chain's declaration is missing (audit/state.py)
    gets a page saying that the administrator must restore or make the declaration, never a 500: the work
    itself was rolled back with its transaction, so nothing happened without its entry."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DeclarationMissing):
            return None
        logger.error("audit chain not writable: declaration missing (plain entries up to seq %s)",
                     exception.last_plain)
        response = TemplateResponse(request, "audit/unwritable.html", {"last_plain": exception.last_plain},
                                    status=503)
        response["Retry-After"] = "3600"
        return response
