"""Fixtures of the export tests: designs, results and the Graphviz renderers available."""

from __future__ import annotations

import os
import shutil
import stat
import sys
from pathlib import Path

import pytest

from app.export.renderer import ENV_DOT, ENV_TIMEOUT, Renderer, RenderError, find_renderer, which_tool
from tests.export.designs import hostile_design, hostile_result, recommender_design, recommender_result

GOLDEN = Path(__file__).parent / "golden"


def _renderer_params() -> list:
    dot = shutil.which("dot")
    pure = which_tool("graphviz-pure")
    return [
        pytest.param(
            Renderer(dot, "dot", "test") if dot else None,
            id="dot",
            marks=pytest.mark.skipif(not dot, reason="the system Graphviz `dot` is not installed"),
        ),
        pytest.param(
            Renderer(pure, "graphviz-pure", "test") if pure else None,
            id="graphviz-pure",
            marks=pytest.mark.skipif(not pure, reason="the graphviz-pure executable is not installed"),
        ),
    ]


RENDERERS = _renderer_params()


@pytest.fixture(autouse=True)
def _clean_render_env(monkeypatch):
    """Tests choose their renderer explicitly; the developer's environment does not leak in."""
    monkeypatch.delenv(ENV_DOT, raising=False)
    monkeypatch.delenv(ENV_TIMEOUT, raising=False)


@pytest.fixture(params=RENDERERS)
def renderer(request, monkeypatch) -> Renderer:
    """Each available renderer in turn (dot, graphviz-pure), also selected through MLSD_DOT."""
    chosen: Renderer = request.param
    monkeypatch.setenv(ENV_DOT, chosen.path)
    return chosen


@pytest.fixture
def any_renderer() -> Renderer:
    try:
        return find_renderer()
    except RenderError as exc:
        pytest.skip(f"no Graphviz renderer: {exc}")


@pytest.fixture
def recommender(catalog):
    return recommender_design(catalog)


@pytest.fixture
def recommender_check(recommender, catalog):
    return recommender_result(recommender, catalog)


@pytest.fixture
def hostile(catalog):
    return hostile_design(catalog)


@pytest.fixture
def hostile_check(hostile, catalog):
    return hostile_result(hostile, catalog)


@pytest.fixture
def fake_renderer(tmp_path):
    """Write an executable shell script and return its path (POSIX only)."""
    if os.name != "posix":
        pytest.skip("fake renderers are shell scripts")

    def make(body: str, name: str = "fake-dot") -> str:
        path = tmp_path / name
        path.write_text("#!/bin/sh\n" + body + "\n", encoding="utf-8")
        path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        return str(path)

    return make


def python_exe() -> str:
    return sys.executable
