"""Reading Graphviz SVG in tests: node texts by component id."""

from __future__ import annotations

import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"


def node_texts(svg: bytes) -> dict[str, list[str]]:
    """Graphviz node name (n0, n1, ...) -> the text lines drawn in it, in order."""
    root = ET.fromstring(svg)
    found: dict[str, list[str]] = {}
    for group in root.iter(f"{SVG}g"):
        if group.get("class") != "node":
            continue
        title = group.find(f"{SVG}title")
        if title is None or title.text is None:
            continue
        found[title.text] = ["".join(t.itertext()) for t in group.iter(f"{SVG}text")]
    return found


def all_texts(svg: bytes) -> list[str]:
    root = ET.fromstring(svg)
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
