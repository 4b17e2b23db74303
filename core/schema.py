"""The OpenAPI schema as a generated client reads it: what the server sends and parses,
named the same whatever the language of the request (tests/tracker/test_api_contract.py
generates a client with openapi-python-client and works through it)."""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import force_instance
from rest_framework import serializers

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


def for_generated_clients(result, generator, request, public):
    """Downloads as the files they are; no parameter title, which generators turn into class
    names and which is translated; a list in one parameter as the text it is; every field of
    an answer required, as the server always sends it (null where it may be)."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                parameter.get("schema", {}).pop("title", None)
                _comma_separated(parameter)
            for response in operation.get("responses", {}).values():
                for media_type, content in response.get("content", {}).items():
                    if media_type in DOWNLOADS:
                        content["schema"] = dict(BINARY)
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request") or "properties" not in component:
            continue
        component["required"] = list(component["properties"])
    return result


def _comma_separated(parameter) -> None:
    """A list the server reads from one parameter, comma-separated (`ordering=agency,-due_on`):
    described as an unexploded array, generators repeat the parameter instead, and the server
    refuses a repeated one (core.input_guards). Its filter's label names the accepted values;
    the list of choices after it, in django-filter's English, goes."""
    schema = parameter.get("schema", {})
    if schema.get("type") != "array" or parameter.get("explode") is not False:
        return
    parameter["schema"] = {"type": "string"}
    parameter.pop("explode")
    parameter.pop("style", None)
    if "description" in parameter:
        parameter["description"] = parameter["description"].split("\n\n")[0]
