from django.shortcuts import render
from django.utils.translation import gettext as _


def forbidden(request, exception=None):
    return render(request, "403.html", status=403)


def not_found(request, exception=None):
    return render(request, "404.html", status=404)


def bad_request(request, exception=None):
    # Django's own 400 page is a bare English line; a clerk gets a sentence in Japanese.
    message = _("送信された内容を受け付けられませんでした。何も保存していません。前の画面に戻り、もう一度操作してください。")
    return render(request, "core/request_refused.html", {"message": message}, status=400)
