"""Domain errors: what a ward clerk reads next to the thing that caused them."""


class DomainError(Exception):
    """A refused action. ``message`` is shown to the user as it is (Japanese, translatable).

    ``field`` names the form field the error belongs to, where there is one.
    """

    def __init__(self, message, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code

    def __str__(self) -> str:
        return str(self.message)


def add_to_form(form, error: DomainError) -> None:
    """Show a refused action on the form, next to the field it concerns."""
    field = error.field if error.field in getattr(form, "fields", {}) else None
    form.add_error(field, str(error.message))
