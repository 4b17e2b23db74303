"""What the admin's lists share."""


class ReadOnlyAdmin:
    """A list to read, never to edit: its rows are written by the services (an outbox, a
    request decided on its assignment's page), so the admin adds, changes and deletes none."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
