"""Domain errors: what a service refuses, and why, in words a user can read.

Each class carries the HTTP status the API answers with, so a subclass answers as its
parent does unless it says otherwise; the admin and the pages show the message.
"""


class DomainError(Exception):
    """A refusal of the request as made (400 unless a subclass says otherwise)."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def show_on(self, form, *, message: str | None = None) -> None:
        """Put the refusal on the form that asked for it: beside its field where the form has
        that field, else at the top (a form's non-field errors)."""
        form.add_error(self.field if self.field in form.fields else None, message or self.message)


class InvalidInput(DomainError):
    """The request itself is wrong: a missing note, a date out of range (400)."""


class ActionForbidden(DomainError):
    """The actor has no right to do this to this assignment (403)."""

    status_code = 403


class TransitionNotAllowed(DomainError):
    """The assignment's current state does not allow this (409)."""

    status_code = 409


class ServiceUnavailable(DomainError):
    """Something the tracker relies on outside itself is missing or failed (503): the
    request may succeed once it is back."""

    status_code = 503
