"""Link labels of our layout's SVG/PNG: clear of the cards' text and of each other."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from reportlab.pdfbase.pdfmetrics import stringWidth

from app.export import to_svg
from app.export.label_spots import LabelSpots
from app.templates import design_from_template
from tests.export.svgtext import SVG

Box = tuple[float, float, float, float]


def _bounds(numbers: str) -> Box:
    points = [(float(x), float(y)) for x, y in re.findall(r"(-?[\d.]+),(-?[\d.]+)", numbers)]
    xs, ys = [x for x, _ in points], [y for _, y in points]
    return min(xs), min(ys), max(xs), max(ys)


def _covers(a: Box, b: Box) -> bool:
    """More than a point of b under a, each way (a descender's tip under a box is not hidden text)."""
    return min(a[2], b[2]) - max(a[0], b[0]) > 1 and min(a[3], b[3]) - max(a[1], b[1]) > 1


def _text_box(text: ET.Element) -> Box:
    size, x, y = float(text.get("font-size", "0")), float(text.get("x", "0")), float(text.get("y", "0"))
    font = "Helvetica-Bold" if text.get("font-weight") == "bold" else "Helvetica"
    width = stringWidth("".join(text.itertext()), font, size)
    return x, y - size * 0.75, x + width, y + size * 0.2


def hidden_texts(svg: bytes) -> list[tuple[str, str]]:
    """(link, text) for every text line of a card or of another link that a link label's white
    box covers."""
    labels: list[tuple[str, Box]] = []
    texts: list[tuple[str, str, Box]] = []
    for group in ET.fromstring(svg).iter(f"{SVG}g"):
        title = group.find(f"{SVG}title")
        name = (title.text or "") if title is not None else ""
        if group.get("class") == "edge":
            for polygon in group.iter(f"{SVG}polygon"):
                if polygon.get("fill") == "white":
                    labels.append((name, _bounds(polygon.get("points", ""))))
        if group.get("class") == "edge" or (group.get("class") == "node" and re.fullmatch(r"n\d+", name)):
            texts += [(name, "".join(t.itertext()), _text_box(t)) for t in group.iter(f"{SVG}text")]
    return [
        (link, said)
        for link, box in labels
        for owner, said, at in texts
        if owner != link and _covers(box, at)
    ]


@pytest.mark.parametrize("template", ["fraud_detection", "eta_prediction", "recommendations"])
def test_link_labels_hide_no_name_and_no_other_label(template, catalog, renderer):
    """Each label sat at the middle of its link's longest segment on a white box: in these
    templates 24 to 34 labels covered another's text, and some a card's name ('Vendor LLM
    (pinned version' in the RAG template). Each now takes the first spot along its route that
    covers nothing."""
    svg = to_svg(design_from_template(template), catalog)
    assert hidden_texts(svg) == []


def test_a_label_takes_the_next_spot_along_its_route_when_the_middle_is_taken():
    spots = LabelSpots([(0.0, 0.0, 100.0, 40.0)])  # a card
    route = [(0.0, 60.0), (300.0, 60.0)]
    first = spots.place(route, (40.0, 20.0))
    assert first == (150.0, 60.0)  # the middle of the longest segment, clear
    second = spots.place(route, (40.0, 20.0))
    assert second != first and second[1] == 60.0 and abs(second[0] - first[0]) >= 40.0
    # on a route running along the card's side the label moves off the card
    beside = spots.place([(50.0, 45.0), (50.0, 200.0)], (40.0, 10.0))
    assert beside[1] - 5.0 >= 40.0
