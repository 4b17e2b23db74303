"""Vietnamese text as people type it.

The same word reaches us composed (NFC: "ữ" one character) or decomposed (NFD: "u", a
horn and a tilde), depending on the keyboard and the program: everything that enters is
composed (ComposedInput for queries and forms, the JSON parser for API bodies, the plan
import for files), so that what is stored reads and compares as one spelling.

People also search without accents ("chu ky so") and in any case. `folded` is the one
spelling a search compares: no accents, đ as d, lower case. In the database the lookup
`folded_contains` compares the folded column with the folded text: PostgreSQL folds with
`lower(unaccent(…))` (the extension is created by core's migration), SQLite with
`folded` itself, registered on each connection.
"""

import unicodedata

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db.models import CharField, Lookup, TextField
from django.http import QueryDict

SQLITE_FUNCTION = "tracker_folded"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def composed(text: str) -> str:
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def folded(text: str) -> str:
    """Without its accents and in lower case; đ (which is a letter, not an accent) as d,
    as PostgreSQL's unaccent has it."""
    bare = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return bare.replace("đ", "d").replace("Đ", "D").lower()


def composed_query_dict(query_dict: QueryDict) -> QueryDict:
    """The same parameters, every key and value composed; the same object when all already are."""
    lists = list(query_dict.lists())
    if all(unicodedata.is_normalized("NFC", key) and all(map(_is_composed, values)) for key, values in lists):
        return query_dict
    result = QueryDict(mutable=True, encoding=query_dict.encoding)
    for key, values in lists:
        result.setlist(composed(key), [composed(value) if isinstance(value, str) else value for value in values])
    result._mutable = False
    return result


def _is_composed(value) -> bool:
    return not isinstance(value, str) or unicodedata.is_normalized("NFC", value)


def composed_data(data):
    """A parsed JSON body with every text composed (keys too)."""
    if isinstance(data, str):
        return composed(data)
    if isinstance(data, list):
        return [composed_data(item) for item in data]
    if isinstance(data, dict):
        return {composed_data(key): composed_data(value) for key, value in data.items()}
    return data


class ComposedInput:
    """Every query parameter and form field composed before any view reads it. Uploaded
    files are not text and are left as they are."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.GET = composed_query_dict(request.GET)
        if request.method == "POST" and request.content_type in FORM_TYPES:
            try:
                form = request.POST
            except (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent):
                # Over Django's limits: the view that reads the body refuses it in its own format.
                form = None
            if form is not None:
                request.POST = composed_query_dict(form)
        return self.get_response(request)


@CharField.register_lookup
@TextField.register_lookup
class FoldedContains(Lookup):
    """`title__folded_contains="chu ky so"` finds "Chữ ký số": the text anywhere in the
    column, whatever its accents and case."""

    lookup_name = "folded_contains"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        return "%s", ["%" + connection.ops.prep_for_like_query(folded(str(value))) + "%"]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"lower(unaccent({lhs})) LIKE {rhs}", [*lhs_params, *rhs_params]
        return f"{SQLITE_FUNCTION}({lhs}) LIKE {rhs} ESCAPE '\\'", [*lhs_params, *rhs_params]


def register_sqlite_function(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            SQLITE_FUNCTION, 1, lambda text: None if text is None else folded(text), deterministic=True
        )


def compose_stored(model, fields: list[str], batch_size: int = 1000) -> int:
    """Compose the text already stored in these columns (a data migration's step): how many
    rows changed. Only those rows are written."""
    changed = []
    for row in model.objects.only("pk", *fields).iterator(chunk_size=batch_size):
        values = {field: getattr(row, field) for field in fields}
        if any(isinstance(value, str) and not unicodedata.is_normalized("NFC", value) for value in values.values()):
            for field, value in values.items():
                if isinstance(value, str):
                    setattr(row, field, composed(value))
            changed.append(row)
    model.objects.bulk_update(changed, fields, batch_size=batch_size)
    return len(changed)
