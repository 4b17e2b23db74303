"""Plumbing every app shares: domain errors and their HTTP statuses, the API's pagination,
error handling and id checks, the CSV and XLSX renderers, the client's address, and the
guards against hostile input. It imports no app of the tracker."""
