"""Garbage in cycles is collected on the window's thread only: a worker's allocations never
trigger a collection that would run Qt objects' finalisers on the worker."""

from __future__ import annotations

import gc
import threading

from app.ui import gc_pause


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def test_the_window_collects_with_automatic_collection_off():
    assert gc_pause.installed() and not gc.isenabled()
    assert gc_pause.collecting()


def test_a_workers_allocations_collect_nothing_and_the_window_thread_collects_them_later():
    collected_on: list[str] = []

    def note(phase: str, info: dict) -> None:
        if phase == "start":
            collected_on.append(threading.current_thread().name)

    gc.callbacks.append(note)
    try:

        def allocate() -> None:
            for _ in range(5 * gc.get_threshold()[0]):
                _Cycle()

        worker = threading.Thread(target=allocate, name="worker")
        worker.start()
        worker.join()
        assert "worker" not in collected_on  # the worker's garbage waits for the window's thread
        assert gc.get_count()[0] > gc.get_threshold()[0]
        assert gc_pause.collect_if_due() is not None
        assert collected_on and set(collected_on) == {threading.main_thread().name}
        assert gc.get_count()[0] <= gc.get_threshold()[0]
    finally:
        gc.callbacks.remove(note)


def test_a_held_pause_stops_the_window_threads_full_collections_until_released(monkeypatch):
    monkeypatch.setattr(gc_pause, "FULL_DELAY_S", 0.0)
    for _ in range(gc.get_threshold()[2] + 1):
        gc.collect(1)  # a full collection is due by the collector's counts
    for _ in range(2 * gc.get_threshold()[0]):
        _Cycle()
    with gc_pause.paused():
        assert not gc_pause.collecting()
        assert gc_pause.collect_if_due() == 1  # the younger generations only (a few ms each)
        for _ in range(2 * gc.get_threshold()[0]):
            _Cycle()
        assert gc_pause.collect_if_due() in (0, 1)
    assert gc_pause.collecting()
    collector = gc_pause._collector
    assert collector is not None
    monkeypatch.setattr(collector, "_blocks_after_full", 0)  # the heap has grown since the last one
    for _ in range(2 * gc.get_threshold()[0]):
        _Cycle()
    assert gc.get_count()[2] > gc.get_threshold()[2]
    assert gc_pause.collect_if_due() == 2


def test_generation_one_is_collected_after_every_few_young_collections():
    """Each collection of generation 1 walks what survived the young collections since the last
    one: with the window's timer collecting generation 0 every 100 ms while a large design is
    built, waiting for the interpreter's ten of them made one walk of 40-60 ms."""
    assert gc_pause.YOUNG_EVERY < gc.get_threshold()[1]
    generations = []
    with gc_pause.paused():  # no full collection meanwhile
        gc.collect(1)  # generation 1 just collected: its count starts again
        for _ in range(2 * (gc_pause.YOUNG_EVERY + 1)):
            for _ in range(2 * gc.get_threshold()[0]):
                _Cycle()
            generations.append(gc_pause.collect_if_due())
    assert generations == 2 * ([0] * gc_pause.YOUNG_EVERY + [1])
