import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _


def forbidden(request, exception=None):
    return render(request, "403.html", status=403)


def not_found(request, exception=None):
    return render(request, "404.html", status=404)


def bad_request(request, exception=None):
    # Django's own 400 page is a bare English line; a clerk gets a sentence in Japanese.
    message = _("送信された内容を受け付けられませんでした。何も保存していません。前の画面に戻り、もう一度操作してください。")
    return render(request, "core/request_refused.html", {"message": message}, status=400)


# The database's connection failed or was lost (a restart, a failover, the server down): the request could
# not finish and its transaction was rolled back, unless the failure came after the commit.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


def server_error(request):
    """Any uncaught error, as a page in Japanese and without a traceback; the database being unreachable
    as 503 with Retry-After, so the person knows to try again shortly and the balancer may retry elsewhere.

    Rendered without the request's context processors: they ask for the user, which needs the session from
    the very database that may be gone."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_UNAVAILABLE):
        response = HttpResponse(loader.render_to_string("core/unavailable.html"), status=503)
        response["Retry-After"] = "30"
    else:
        response = HttpResponse(loader.render_to_string("core/server_error.html"), status=500)
    response["Cache-Control"] = "no-store"
    return response
