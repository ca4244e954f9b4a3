"""Print how long loading and saving a 10,000-component design takes (target: load < 1.5 s)."""

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.domain.catalog import default_catalog  # noqa: E402
from app.persistence import load_design, save_design  # noqa: E402
from tests.factories import large_design  # noqa: E402


def main() -> None:
    design = large_design(default_catalog(), 10_000, 20_000)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.mlsd"
        save_times, load_times = [], []
        for _ in range(5):
            start = time.perf_counter()
            save_design(design, path)
            save_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            load_design(path)
            load_times.append(time.perf_counter() - start)
        size = path.stat().st_size / 1e6
    print(f"10,000 components / 20,000 links ({size:.1f} MB)")
    print(f"load: median {statistics.median(load_times) * 1000:.0f} ms (target < 1500 ms)")
    print(f"save: median {statistics.median(save_times) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
