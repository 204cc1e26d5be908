from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.core.exceptions import BadRequest, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.translation import gettext as _

from . import bounds


class SecurityHeadersMiddleware:
    """Content-Security-Policy on every response; ``no-store`` on everything a signed-in person sees.

    Every page behind the login may show personal data or data about it, so none of them is cached
    by the browser or a proxy.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        user = getattr(request, "user", None)
        static = request.path.startswith("/" + settings.STATIC_URL.lstrip("/"))
        if not static and (user is None or user.is_authenticated or request.method == "POST"
                           or response.get("Content-Disposition")):
            response["Cache-Control"] = "no-store"
            response["Pragma"] = "no-cache"
        return response


def _is_utf8(raw: bytes) -> bool:
    """Whether a query string or an urlencoded body, once its %-escapes are undone, is valid UTF-8."""
    try:
        unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class RequestLimitsMiddleware:
    """Refuses, with a page in Japanese, a request the app cannot take as it was sent.

    - Bytes that are not UTF-8 in the query string or a form: Django would quietly turn them into
      U+FFFD and store that (the page said nothing and the record was garbled). Browsers never send
      them from the app's pages, so a person who meets this page re-enters what they typed.
    - A body over the upload limits (settings.UPLOAD_MAX_FILE_SIZE for the files of one request,
      DATA_UPLOAD_MAX_MEMORY_SIZE for its other fields) or with too many fields: Django answers a bare
      400, or a 500 for a malformed multipart body. The body is parsed here, before any view, which is
      also what the CSRF check does; a view that wants its own upload handlers cannot set them later.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self._refusal(request) or self.get_response(request)

    def _refusal(self, request):
        if not _is_utf8(request.META.get("QUERY_STRING", "").encode("latin-1", errors="replace")):
            return _refuse(request, 400, "encoding")
        if request.method not in ("POST", "PUT", "PATCH"):
            return None
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.UPLOAD_MAX_FILE_SIZE + settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            return _refuse(request, 413, "too_big", size=length)
        try:
            if request.content_type == "application/x-www-form-urlencoded" and not _is_utf8(request.body):
                return _refuse(request, 400, "encoding")
            values = [value for _key, values in request.POST.lists() for value in values]
            values += [upload.name or "" for upload in request.FILES.values()]
        except RequestDataTooBig:
            return _refuse(request, 413, "too_big", size=length)
        except (TooManyFieldsSent, TooManyFilesSent):
            return _refuse(request, 400, "too_many")
        except (MultiPartParserError, BadRequest, UnreadablePostError):
            return _refuse(request, 400, "unreadable")
        # A multipart body is decoded by Django's parser, which replaces what is not UTF-8.
        if request.content_type == "multipart/form-data" and any("\ufffd" in value for value in values):
            return _refuse(request, 400, "encoding")
        return None


def _refuse(request, status: int, reason: str, size: int = 0):
    messages = {
        "encoding": _("送信された内容に、文字として読めないデータ（UTF-8ではない文字）が含まれていたため、受け付けませんでした。"
                      "何も保存していません。前の画面に戻り、入力し直してください。"),
        "too_big": _("送信されたデータが大きすぎるため（%(size)s）、受け付けませんでした。何も保存していません。"
                     "ファイルは%(limit)s以下にしてください。") % {
            "size": bounds.file_size_text(size),
            "limit": bounds.file_size_text(settings.UPLOAD_MAX_FILE_SIZE)},
        "too_many": _("送信された項目が多すぎるため、受け付けませんでした。何も保存していません。"),
        "unreadable": _("送信された内容を読み取れなかったため、受け付けませんでした。何も保存していません。"
                        "前の画面に戻り、もう一度送信してください。"),
    }
    return render(request, "core/request_refused.html", {"message": messages[reason]}, status=status)
