"""Open311 GeoReport v2 documents in the spec's two formats: JSON and XML.

A document is plain data (dicts, lists, strings, numbers, booleans, None). JSON is written as it
is; XML follows the spec's examples: a root element, one child element per list item, nested
dicts as nested elements, lists of scalars as repeated elements, None as an empty element.
"""

import json
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any
from xml.etree import ElementTree

from fastapi import Response


class Format(StrEnum):
    JSON = "json"
    XML = "xml"


MEDIA_TYPES = {Format.JSON: "application/json", Format.XML: "text/xml; charset=utf-8"}
# The element name each list's items take in XML, by the list's own element name.
ITEM_ELEMENTS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}


def render(document: Any, fmt: Format, *, root: str, status_code: int = 200) -> Response:
    """The response carrying `document`; `root` names the XML root element."""
    if fmt is Format.JSON:
        body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    else:
        body = to_xml(document, root=root)
    return Response(body, status_code=status_code, media_type=MEDIA_TYPES[fmt])


def to_xml(document: Any, *, root: str) -> bytes:
    """The XML serialisation of `document` under an element named `root`."""
    element = ElementTree.Element(root)
    _fill(element, document)
    xml: bytes = ElementTree.tostring(element, encoding="utf-8", xml_declaration=True)
    return xml


def _fill(element: ElementTree.Element, value: Any) -> None:
    if isinstance(value, Mapping):
        for name, child in value.items():
            _fill(ElementTree.SubElement(element, name), child)
    elif isinstance(value, Sequence) and not isinstance(value, str):
        item_name = ITEM_ELEMENTS.get(element.tag, "item")
        for item in value:
            _fill(ElementTree.SubElement(element, item_name), item)
    elif value is not None:
        element.text = _scalar_text(value)


def _scalar_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def error_document(code: int, description: str) -> list[dict[str, Any]]:
    """The spec's error format: a list of code and description."""
    return [{"code": code, "description": description}]
