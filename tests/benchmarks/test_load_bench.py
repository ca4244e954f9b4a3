"""Target: loading a 10,000-component design takes under 1.5 s (scripts/bench_load.py prints it)."""

from app.persistence import load_design, save_design
from tests.factories import large_design


def test_load_10000_component_design(benchmark, catalog, tmp_path):
    path = tmp_path / "big.mlsd"
    save_design(large_design(catalog, 10_000, 20_000), path)
    loaded = benchmark(load_design, path)
    assert len(loaded.design.components) == 10_000
    assert len(loaded.design.links) == 20_000
