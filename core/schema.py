"""The OpenAPI schema as a generated client reads it: what the server sends and parses,
named the same whatever the language of the request (tests/tracker/test_api_contract.py
generates a client with openapi-python-client and works through it)."""

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import force_instance
from rest_framework import serializers

from core.api import MAX_ID
from core.renderers import CSVRenderer, XLSXRenderer

JSON = "application/json"
MULTIPART = "multipart/form-data"
DOWNLOADS = {CSVRenderer.media_type, XLSXRenderer.media_type}
BINARY = {"type": "string", "format": "binary"}


class AutoSchema(SpectacularAutoSchema):
    def map_parsers(self):
        """Each body under the content type it is meant for: JSON, and multipart too where the
        body may carry a file (a report's evidence). The server also parses forms, but a body
        listed under several types with one model trips generators."""
        serializer = force_instance(self.get_request_serializer())
        fields = getattr(serializer, "fields", {})
        if any(isinstance(field, serializers.FileField) for field in fields.values()):
            return [JSON, MULTIPART]
        return [JSON]


class RequiredTextSchema(OpenApiSerializerFieldExtension):
    """Required text has a character that is not a space (the serializer trims spaces)."""

    target_class = "core.api.RequiredText"

    def map_serializer_field(self, auto_schema, direction):
        return {"type": "string", "minLength": 1, "pattern": r"\S"}


def for_generated_clients(result, generator, request, public):
    """Downloads as the files they are; no title, which generators turn into class names and
    which is translated; a list in one parameter as the text it is; every field of an answer
    required, as the server always sends it (null where it may be)."""
    for part in ("paths", "components"):
        result[part] = _untitled(result.get(part, {}))
    for operations in result["paths"].values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                _comma_separated(parameter)
                _no_default_outside_choices(parameter)
                if parameter["in"] == "query" and not parameter.get("required"):
                    # core.input_guards.RepeatedParameterGuard: empty is not given.
                    parameter["allowEmptyValue"] = True
                if parameter["in"] == "path" and parameter.get("schema", {}).get("type") == "integer":
                    # What IntegerIdMixin accepts: a bigint id, from 1.
                    parameter["schema"].update(minimum=1, maximum=MAX_ID)
            for response in operation.get("responses", {}).values():
                for media_type, content in response.get("content", {}).items():
                    if media_type in DOWNLOADS:
                        content["schema"] = dict(BINARY)
    for name, component in result["components"].get("schemas", {}).items():
        if name.endswith("Request") or "properties" not in component:
            continue
        component["required"] = list(component["properties"])
    return result


def _untitled(schema):
    """The schema without its titles (the fields' translated labels; descriptions stay). A
    reference that was wrapped only to carry its title is unwrapped, as drf-spectacular
    writes it where the label adds nothing (in English, "Role" for `role`), so that the
    schema has one shape in every language."""
    if isinstance(schema, list):
        return [_untitled(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    # A string: a schema's title, not a property named "title", whose value is a schema.
    untitled = {key: _untitled(value) for key, value in schema.items() if key != "title" or not isinstance(value, str)}
    if list(untitled) == ["allOf"] and len(untitled["allOf"]) == 1:
        return untitled["allOf"][0]
    return untitled


def _no_default_outside_choices(parameter) -> None:
    """A filter that is off when not given (`default=""` in its serializer) has no default
    among its choices: generators refuse the operation whole (openapi-python-client: "Value
    is not valid for enum"). Not giving the parameter is how a client leaves it off."""
    schema = parameter.get("schema", {})
    if "enum" in schema and schema.get("default", schema["enum"][0]) not in schema["enum"]:
        del schema["default"]


def _comma_separated(parameter) -> None:
    """A list the server reads from one parameter, comma-separated (`ordering=agency,-due_on`):
    described as an unexploded array, generators repeat the parameter instead, and the server
    refuses a repeated one (core.input_guards). Its filter's label names the accepted values;
    the list of choices after it, in django-filter's English, goes."""
    schema = parameter.get("schema", {})
    if schema.get("type") != "array" or parameter.get("explode") is not False:
        return
    keys = schema.get("items", {}).get("enum")
    parameter["schema"] = {"type": "string"}
    if keys:
        # The keys are field names, with a leading "-" to sort downwards: nothing to escape.
        key = "(?:" + "|".join(keys) + ")"
        parameter["schema"]["pattern"] = f"^{key}(?:,{key})*$"
    parameter.pop("explode")
    parameter.pop("style", None)
    if "description" in parameter:
        parameter["description"] = parameter["description"].split("\n\n")[0]
