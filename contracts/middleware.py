from . import permissions


class RolesPerRequestMiddleware:
    """Each person's roles in force are read once per request (see contracts.permissions.roles_remembered)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with permissions.roles_remembered():
            return self.get_response(request)
