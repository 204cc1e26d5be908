from django.conf import settings


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
