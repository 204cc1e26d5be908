"""The browser's own date and date-time pickers, for every form of the app."""

from django import forms


class DateInput(forms.DateInput):
    input_type = "date"


class DateTimeInput(forms.DateTimeInput):
    """A datetime-local input, shown to the minute in the form the browser reads back."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")
