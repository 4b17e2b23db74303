"""Domain errors: what a service refuses, and why, in words a user can read.

The API turns each class into its status code (400, 403, 409); the admin and the
pages show the message.
"""


class DomainError(Exception):
    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(DomainError):
    """The request itself is wrong: a missing note, a date out of range (400)."""


class ActionForbidden(DomainError):
    """The actor has no right to do this to this assignment (403)."""


class TransitionNotAllowed(DomainError):
    """The assignment's current state does not allow this (409)."""
