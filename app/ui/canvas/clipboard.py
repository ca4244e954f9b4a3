"""Copy, cut, paste and duplicate of canvas items through the system clipboard.

Copied items travel as JSON under ITEMS_MIME_TYPE (plus a plain-text summary), so pasting
works between windows of one process and between processes. Pasted data is validated with
the pydantic models before it reaches the document; bad data is refused with a message.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QMimeData
from PySide6.QtGui import QGuiApplication

from app.domain.errors import DesignError
from app.domain.json_number import dumps
from app.domain.model import FORMAT_ID, SCHEMA_VERSION, Component, Link, Position
from app.persistence.errors import DesignLoadError
from app.persistence.loader import design_from_data, parse_json_bytes
from app.ui.document import DesignDocument

ITEMS_MIME_TYPE = "application/x-mlsd-items"
PAYLOAD_FORMAT = "mlsd-studio/items"
PAYLOAD_VERSION = 1
PASTE_OFFSET = 30.0


class ClipboardError(ValueError):
    """The clipboard holds no MLSD items, or items that do not validate."""


def items_payload(document: DesignDocument, component_ids: Iterable[str]) -> dict[str, Any] | None:
    """The selected components (in design order) and every link among them, as JSON data."""
    wanted = set(component_ids)
    components = [c for c in document.design.components if c.id in wanted]
    if not components:
        return None
    links = [lk for lk in document.design.links if lk.source in wanted and lk.target in wanted]
    return {
        "format": PAYLOAD_FORMAT,
        "version": PAYLOAD_VERSION,
        "components": [c.model_dump() for c in components],  # unknown fields as they were read
        "links": [lk.model_dump() for lk in links],
    }


def summary(payload: dict[str, Any]) -> str:
    """A plain-text description of copied items, for other applications."""
    names = [c.get("name") or c.get("id", "") for c in payload["components"]]
    n, m = len(names), len(payload["links"])
    head = f"MLSD Studio: {n} component{'s' if n != 1 else ''}"
    if m:
        head += f", {m} link{'s' if m != 1 else ''}"
    return head + "\n" + "\n".join(f"- {name}" for name in names) + "\n"


def encode(payload: dict[str, Any]) -> bytes:
    return dumps(payload, ensure_ascii=False, sort_keys=True, allow_nan=False).encode("utf-8")


def decode(data: bytes | dict[str, Any]) -> tuple[list[Component], list[Link]]:
    """Validate copied items as a design file's are (the same stages and messages, with the
    place in the copied JSON); raises ClipboardError for anything that is not a valid payload."""
    try:
        payload = parse_json_bytes(bytes(data)) if not isinstance(data, dict) else data
        if not isinstance(payload, dict) or payload.get("format") != PAYLOAD_FORMAT:
            raise ClipboardError("the clipboard does not hold MLSD Studio items")
        raw_components = payload.get("components")
        raw_links = payload.get("links", [])
        if not isinstance(raw_components, list) or not isinstance(raw_links, list):
            raise ClipboardError("the copied items are malformed")
        items = {"components": raw_components, "links": raw_links}
        design = design_from_data({"format": FORMAT_ID, "schema_version": SCHEMA_VERSION, **items}).design
    except DesignLoadError as exc:
        place = f" at {exc.where}" if exc.where else ""
        raise ClipboardError(f"the copied items are not valid{place}: {exc.problem}") from exc
    return list(design.components), list(design.links)


def write_clipboard(payload: dict[str, Any]) -> None:
    mime = QMimeData()
    mime.setData(ITEMS_MIME_TYPE, encode(payload))
    mime.setText(summary(payload))
    QGuiApplication.clipboard().setMimeData(mime)


def release_clipboard() -> None:
    """Swap our items on the clipboard for their plain-text summary before Qt shuts down.

    PySide6 6.11 crashes at interpreter exit (SIGSEGV) when the clipboard still owns a
    QMimeData made in Python; a text set by Qt itself is safe and stays for other programs.
    """
    app = QGuiApplication.instance()
    if app is None:
        return
    clipboard = QGuiApplication.clipboard()
    mime = clipboard.mimeData()
    if mime is None or not mime.hasFormat(ITEMS_MIME_TYPE):
        return
    text = mime.text()
    clipboard.clear()
    if text:
        clipboard.setText(text)


def read_clipboard() -> bytes:
    """The raw copied items; raises ClipboardError when the clipboard holds none."""
    mime = QGuiApplication.clipboard().mimeData()
    if mime is None or not mime.hasFormat(ITEMS_MIME_TYPE):
        raise ClipboardError("the clipboard does not hold MLSD Studio items")
    return bytes(mime.data(ITEMS_MIME_TYPE).data())


def check_items(document: DesignDocument, components: list[Component], links: list[Link]) -> None:
    """Refuse items the document could not add: bad property values, self or duplicate links."""
    catalog = document.catalog
    for component in components:
        spec = catalog.kind(component.kind)
        if spec is None:
            continue  # skipped by add_items and reported by the caller
        for name, value in component.properties.items():
            prop = spec.property(name)
            if prop is None:
                raise ClipboardError(f"{component.kind} has no property {name!r}")
            try:
                prop.validate(value)
            except DesignError as exc:
                raise ClipboardError(str(exc)) from exc
    pairs = set()
    for link in links:
        pair = (link.source, link.target)
        if link.source == link.target or pair in pairs:
            raise ClipboardError("the copied links are malformed")
        pairs.add(pair)


def paste_items(
    document: DesignDocument,
    components: list[Component],
    links: list[Link],
    offset: float,
    text: str = "Paste",
) -> tuple[list[str], list[str], int]:
    """Add copies with fresh ids, shifted by (offset, offset), as one undo step.

    Returns the new component ids, the new link ids and how many components were skipped
    because their kind is unknown to this catalog.
    """
    check_items(document, components, links)
    moved = []
    for component in components:
        copy = component.model_copy(deep=True)
        copy.position = Position(x=component.position.x + offset, y=component.position.y + offset)
        moved.append(copy)
    new_ids, new_links = document.add_items(moved, links, text)
    known = sum(1 for c in components if document.catalog.kind(c.kind) is not None)
    return new_ids, new_links, len(components) - known
