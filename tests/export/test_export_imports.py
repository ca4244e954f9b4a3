"""`mlsd export` imports what the asked-for outputs need only (checked in a process of its own,
through sys.modules), and the report's connected parts need no graph library."""

from __future__ import annotations

import random
from pathlib import Path

import networkx as nx

from app.domain.catalog import default_catalog
from app.export.report.architecture import connected_parts, packed
from tests.cli_modules import modules_after
from tests.factories import large_design

ROOT = Path(__file__).resolve().parents[2]
RECOMMENDATIONS = ROOT / "resources" / "templates" / "recommendations.mlsd"


def _modules_after(argv: list[str]) -> set[str]:
    return modules_after(argv, expect_status=0)


def _loaded(modules: set[str], package: str) -> bool:
    return any(name == package or name.startswith(package + ".") for name in modules)


def test_the_report_of_latin_text_loads_no_shaping_nor_graphviz(tmp_path):
    loaded = _modules_after(["export", str(RECOMMENDATIONS), "--pdf", str(tmp_path / "r.pdf")])
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    assert "app.export.report.shaping" in loaded  # the module is there, its libraries are not
    for heavy in ("arabic_reshaper", "fontTools", "bidi", "graphviz", "app.export.placed"):
        assert not _loaded(loaded, heavy), f"mlsd export --pdf imported {heavy}"
    # xml.sax.saxutils (for its escape) would bring urllib.request, http and email with it
    for unused in ("xml.sax", "urllib.request", "http.client"):
        assert not _loaded(loaded, unused), f"mlsd export --pdf imported {unused}"


def test_escape_xml_escapes_as_saxutils_does():
    from xml.sax.saxutils import escape

    from app.export.text import escape_xml

    for text in ("", "plain", "a & b < c > d", "&amp; already", "<b>x</b> & <i>", "\"quotes' stay"):
        assert escape_xml(text) == escape(text)


def test_text_exports_load_no_reportlab(tmp_path):
    loaded = _modules_after(["export", str(RECOMMENDATIONS), "--md", str(tmp_path / "d.md")])
    for heavy in ("reportlab", "app.export.report", "graphviz", "app.layout"):
        assert not _loaded(loaded, heavy), f"mlsd export --md imported {heavy}"


def test_right_to_left_text_still_shapes():
    from app.export.report.shaping import visual_line

    assert visual_line("abc") == "abc"
    assert visual_line("אבג") == "גבא"  # reordered by the bidi algorithm, imported on first use
    assert visual_line("لا") != "لا"  # lam-alef joined by the reshaper, imported on first use


def _parts_by_networkx(design, limit):
    graph = nx.Graph()
    graph.add_nodes_from(c.id for c in design.components)
    graph.add_edges_from(
        (k.source, k.target) for k in design.links if k.source in graph and k.target in graph
    )
    order = {c.id: i for i, c in enumerate(design.components)}
    groups = sorted((sorted(g, key=order.__getitem__) for g in nx.connected_components(graph)),
                    key=lambda g: order[g[0]])  # fmt: skip
    return packed(groups, limit)  # the groups found another way, packed as the report does


def test_connected_parts_are_the_graph_s_connected_components():
    catalog = default_catalog()
    rng = random.Random(3)
    for n, m in ((1, 0), (12, 4), (40, 25), (90, 60), (150, 120)):
        design = large_design(catalog, n, m, seed=rng.randrange(1000))
        rng.shuffle(design.components)
        for limit in (5, 20, 60):
            assert connected_parts(design, limit) == _parts_by_networkx(design, limit)


def test_groups_are_packed_in_order_within_the_limit():
    assert packed([["a"], ["b", "c"], ["d"], ["e", "f"]], 3) == [["a", "b", "c"], ["d", "e", "f"]]
    assert packed([["a", "b"], ["c", "d"]], 3) == [["a", "b"], ["c", "d"]]
    assert packed([["a"], ["b", "c", "d", "e"]], 3) == []  # one group alone is too big
