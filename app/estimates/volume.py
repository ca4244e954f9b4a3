"""Daily data volume from sources through pipelines to datasets, and what datasets store."""

from __future__ import annotations

from dataclasses import dataclass

from app.estimates.builder import Builder, n, scaled
from app.estimates.model import STORAGE_USD_PER_GB_MONTH, format_quantity


@dataclass(frozen=True)
class SourceVolume:
    source: str
    events: float | None
    bytes: float | None
    retention: float | None
    missing: tuple[str, ...]


def _source(b: Builder, source: str) -> SourceVolume:
    """A data source's own figures: events and bytes per day."""
    raw_events = b.num(source, "events_per_day")
    if raw_events is None:
        b.need(source, "events_per_day", "daily volume of the data it feeds downstream")
        return SourceVolume(
            source, None, None, b.num(source, "retention_days"), (f"{source}.events_per_day",)
        )
    events, what_if = scaled(raw_events, b.volume_scale, "volume")
    b.add(
        source,
        "events_per_day",
        "Events per day",
        events,
        "events/day",
        f"{n(raw_events)} events/day{what_if}",
    )
    size = b.num(source, "bytes_per_event")
    missing: tuple[str, ...] = ()
    volume: float | None = None
    if size is None:
        missing = (b.need(source, "bytes_per_event", "bytes per day and storage need the event size"),)
    else:
        volume = events * size
        b.add(
            source,
            "bytes_per_day",
            "Data per day",
            volume,
            "bytes/day",
            f"{n(events)} events/day x {n(size)} bytes = {format_quantity(volume, 'bytes/day')}",
        )
    return SourceVolume(source, events, volume, b.num(source, "retention_days"), missing)


def estimate_volume(b: Builder) -> None:
    """Figures of data sources, the pipelines their data passes and the datasets it fills."""
    s = b.structure
    sources = {src: _source(b, src) for src in s.of_kind("data_source")}
    reaching: dict[str, list[SourceVolume]] = {}
    for src, nodes in s.volume_reach.items():
        for node in nodes:
            reaching.setdefault(node, []).append(sources[src])
    for node in sorted(reaching):
        _through(b, node, reaching[node])
    _labels(b)


def _through(b: Builder, node: str, volumes: list[SourceVolume]) -> None:
    known = [v for v in volumes if v.events is not None]
    missing = tuple(m for v in volumes for m in v.missing)
    if not known:
        return
    events = sum(v.events or 0.0 for v in known)
    terms = " + ".join(f"{n(v.events or 0.0)} from {b.name(v.source)}" for v in known)
    b.add(
        node,
        "events_per_day",
        "Events per day",
        events,
        "events/day",
        f"{terms} = {n(events)} events/day",
        missing,
    )
    sized = [v for v in known if v.bytes is not None]
    if sized:
        volume = sum(v.bytes or 0.0 for v in sized)
        terms = " + ".join(
            f"{format_quantity(v.bytes or 0.0, 'bytes')} from {b.name(v.source)}" for v in sized
        )
        b.add(
            node,
            "bytes_per_day",
            "Data per day",
            volume,
            "bytes/day",
            f"{terms} = {format_quantity(volume, 'bytes/day')}",
            missing,
        )
    if b.structure.kind[node] == "dataset":
        _storage(b, node, known, missing)


def _storage(b: Builder, dataset: str, volumes: list[SourceVolume], missing: tuple[str, ...]) -> None:
    """Storage = each source's bytes per day x its retention; cost at the storage price."""
    stored = 0.0
    terms: list[str] = []
    gaps = list(missing)
    for v in volumes:
        if v.bytes is None:
            continue
        if v.retention is None:
            gaps.append(
                b.need(v.source, "retention_days", f"storage of {b.name(dataset)} grows without a limit")
            )
            continue
        part = v.bytes * v.retention
        stored += part
        terms.append(f"{format_quantity(v.bytes, 'bytes/day')} x {n(v.retention)} days ({b.name(v.source)})")
    if not terms:
        return
    total = format_quantity(stored, "bytes")
    b.add(dataset, "storage_bytes", "Storage", stored, "bytes", f"{' + '.join(terms)} = {total}", tuple(gaps))
    cost = stored / 1e9 * STORAGE_USD_PER_GB_MONTH
    b.add(
        dataset,
        "monthly_cost",
        "Monthly cost",
        cost,
        "USD/month",
        f"{n(stored / 1e9)} GB x ${STORAGE_USD_PER_GB_MONTH:g}/GB-month = "
        f"{format_quantity(cost, 'USD/month')}",
        tuple(gaps),
    )


def _labels(b: Builder) -> None:
    """Labelled examples per day: a dataset's events x its label sources' labelled fraction."""
    for label, datasets in b.structure.label_datasets.items():
        fraction = b.num(label, "labelled_fraction")
        filled = [d for d in datasets if b.get(d, "events_per_day") is not None]
        if not filled:
            continue
        if fraction is None:
            b.need(label, "labelled_fraction", "labelled examples per day of the datasets it labels")
            continue
        total = 0.0
        terms: list[str] = []
        for dataset in filled:
            events = b.get(dataset, "events_per_day")
            assert events is not None
            total += events.value * fraction
            terms.append(f"{n(events.value)} events/day into {b.name(dataset)}")
        b.add(
            label,
            "labels_per_day",
            "Labels per day",
            total,
            "labels/day",
            f"({' + '.join(terms)}) x {fraction:g} labelled = {n(total)} labels/day",
        )
