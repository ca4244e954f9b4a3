"""Reading design files in stages.

size guard -> bytes checks -> UTF-8 -> JSON -> text rule (app/domain/safe_text.py) ->
format and version -> migrations -> pydantic validation -> references and catalog checks.
Every failure is a DesignLoadError naming the file and the place; unknown kinds and
properties are kept and reported.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from app.domain.catalog import Catalog, default_catalog
from app.domain.decision_ops import cycle_problem, decision_problem
from app.domain.errors import NUMBER_TOO_LARGE, PropertyValueError, quoted, quoted_all
from app.domain.json_number import parse_float
from app.domain.model import FORMAT_ID, SCHEMA_VERSION, Component, Design, Link, build_models
from app.domain.safe_text import find_invalid_text, may_hold_invalid_json_text
from app.persistence.errors import DesignLoadError
from app.persistence.json_places import json_type, line_col, overflow_place, union_refusal, where_in_json
from app.persistence.migrations import OLDEST_READABLE_VERSION, migrate
from app.persistence.trusted import construct_trusted

MAX_FILE_BYTES = 128 * 1024 * 1024
MAX_COMPONENTS = 200_000
VALIDATE_SLICE = 500  # longer component or link lists are validated in steps (see _validate_design)
VALIDATE_STEP = 100  # items validated at a time then: a few milliseconds holding the interpreter

_LIST_FIELDS = {"components": Component, "links": Link}  # validated in slices when long


@cache
def _list_adapter(key: str) -> TypeAdapter[Any]:
    """Built on first use, after the models' own validators (see _validate_design)."""
    build_models()
    return TypeAdapter(list[_LIST_FIELDS[key]])  # type: ignore[valid-type]

_UTF8_BOM = b"\xef\xbb\xbf"
_OTHER_BOMS = {
    b"\xff\xfe\x00\x00": "UTF-32",
    b"\x00\x00\xfe\xff": "UTF-32",
    b"\xff\xfe": "UTF-16",
    b"\xfe\xff": "UTF-16",
}


@dataclass
class LoadedDesign:
    design: Design
    path: str
    warnings: list[str] = field(default_factory=list)
    migrated_from: int | None = None


def load_design(path: str | Path, catalog: Catalog | None = None) -> LoadedDesign:
    """Read, check and validate a design file."""
    path = Path(path)
    try:
        st = path.stat()
    except FileNotFoundError:
        stdin = " (a design is read from a file, not from standard input)" if str(path) == "-" else ""
        raise DesignLoadError(path, f"no such file{stdin}") from None
    except OSError as exc:
        raise DesignLoadError(path, f"cannot read: {exc.strerror or exc}") from None
    if stat.S_ISDIR(st.st_mode):
        raise DesignLoadError(path, "is a folder, not a design file")
    if not stat.S_ISREG(st.st_mode):  # /dev/zero or a pipe would never end
        raise DesignLoadError(path, "is not a regular file (a device, pipe or socket), not a design file")
    if st.st_size > MAX_FILE_BYTES:
        raise DesignLoadError(path, _over_limit(st.st_size))
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)  # bounded, even if the file grows meanwhile
    except OSError as exc:
        raise DesignLoadError(path, f"cannot read: {exc.strerror or exc}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise DesignLoadError(path, _over_limit(len(raw)))
    return load_design_bytes(raw, path, catalog)


def _over_limit(size: int) -> str:
    limit = f"{MAX_FILE_BYTES / 1e6:.0f} MB"
    if round(size / 1e6) <= round(MAX_FILE_BYTES / 1e6):  # not '134 MB, over the 134 MB limit'
        return f"file is over the {limit} limit for design files"
    return f"file is {size / 1e6:.0f} MB, over the {limit} limit for design files"


def load_design_bytes(
    raw: bytes, path: str | Path | None = None, catalog: Catalog | None = None
) -> LoadedDesign:
    """Parse design file contents; `path` is only used in messages."""
    try:
        data = parse_json_bytes(raw, path)
        return design_from_data(data, path, catalog)
    except DesignLoadError:
        raise
    except RecursionError:
        raise DesignLoadError(path, "data is nested too deeply (more than ~900 levels)") from None
    except MemoryError:
        raise DesignLoadError(path, "not enough memory to read this file") from None
    except Exception as exc:  # a safety net: the window and CLI must never see a traceback
        raise DesignLoadError(
            path, f"unexpected problem while reading ({type(exc).__name__}: {exc})"
        ) from exc


def parse_json_bytes(raw: bytes, path: str | Path | None = None) -> Any:
    """Bytes to JSON data, with a clear error for each kind of damage."""
    if len(raw) > MAX_FILE_BYTES:
        raise DesignLoadError(path, f"data is over the {MAX_FILE_BYTES / 1e6:.0f} MB limit")
    if not raw or raw.isspace():  # not raw.strip(): that would copy the whole file
        raise DesignLoadError(path, "file is empty" if not raw else "file holds only white space")
    for bom, encoding in _OTHER_BOMS.items():
        if raw.startswith(bom):
            raise DesignLoadError(path, f"file is {encoding} encoded; design files are UTF-8")
    if raw.startswith(_UTF8_BOM):
        raw = raw[len(_UTF8_BOM) :]
    nul = raw.find(b"\x00")
    if nul >= 0:
        if not raw.strip(b"\x00"):
            raise DesignLoadError(path, "file holds only zero bytes (damaged by a crash?)")
        line, col = line_col(raw, nul)
        raise DesignLoadError(path, "binary data (zero byte): not a design file", f"line {line} column {col}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = line_col(raw, exc.start)
        raise DesignLoadError(
            path, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})", f"line {line} column {col}"
        ) from None
    try:
        data = json.loads(
            text, parse_float=parse_float, parse_constant=_reject_constant, object_pairs_hook=_unique_keys
        )
    except _JsonValueError as exc:
        raise DesignLoadError(path, str(exc), where_in_json(text, exc.token)) from None
    except json.JSONDecodeError as exc:
        problem = exc.msg
        unclosed = problem.startswith("Unterminated string")  # json ran into the end looking for its quote
        if unclosed:
            problem = "a string that starts here is never closed"
        if unclosed or exc.pos >= len(text.rstrip()):
            problem += " (the file ends too early: truncated?)"
        raise DesignLoadError(
            path, f"invalid JSON: {problem}", f"line {exc.lineno} column {exc.colno}"
        ) from None
    except ValueError as exc:
        if "digits" in str(exc):
            limit = sys.get_int_max_str_digits()
            where = where_in_json(text, rf"(?<![0-9.])-?[1-9][0-9]{{{limit},}}(?![0-9.eE])")
            raise DesignLoadError(path, f"a number has too many digits (more than {limit})", where) from None
        raise DesignLoadError(path, f"invalid JSON: {exc}") from None
    if may_hold_invalid_json_text(text):
        invalid = find_invalid_text(data)
        if invalid is not None:
            where, problem = invalid
            raise DesignLoadError(path, problem, where)
    return data


class _JsonValueError(ValueError):
    def __init__(self, problem: str, token: str | None = None):
        super().__init__(problem)
        self.token = token  # a pattern of the offending token, to say where it is


def _reject_constant(name: str) -> Any:
    raise _JsonValueError(
        f"{name} is not allowed in a design file (numbers must be finite)", r"-?(?:NaN|Infinity)"
    )


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _JsonValueError(f"key {quoted(key)} appears twice in one object")
        result[key] = value
    return result


def design_from_data(
    data: Any, path: str | Path | None = None, catalog: Catalog | None = None
) -> LoadedDesign:
    """Check format and version, migrate, validate, and check references and properties."""
    if not isinstance(data, dict):
        raise DesignLoadError(path, f"expected a JSON object at the top, found {json_type(data)}")
    fmt = data.get("format")
    if fmt != FORMAT_ID:
        found = 'no "format" field' if fmt is None else f"format {quoted(fmt)}"
        raise DesignLoadError(path, f"not an MLSD Studio design ({found})", "$.format")
    version = data.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise DesignLoadError(path, "schema_version must be a whole number", "$.schema_version")
    if version > SCHEMA_VERSION:
        raise DesignLoadError(
            path,
            f"written by a newer MLSD Studio (schema version {version}; this version reads "
            f"up to {SCHEMA_VERSION}). Update MLSD Studio to open it; the file was not changed",
            "$.schema_version",
        )
    if version < OLDEST_READABLE_VERSION:
        raise DesignLoadError(path, f"schema version {version} is not supported", "$.schema_version")
    components = data.get("components")
    if isinstance(components, list) and len(components) > MAX_COMPONENTS:
        raise DesignLoadError(
            path,
            f"{len(components):,} components is over the limit of {MAX_COMPONENTS:,}",
            "$.components",
        )
    migrated_from = version if version < SCHEMA_VERSION else None
    if migrated_from is not None:
        data = migrate(data)
    design = _validate_design(data, path)
    warnings = check_design_integrity(design, path, catalog or default_catalog())
    return LoadedDesign(design, str(path) if path else "<memory>", warnings, migrated_from)


def _validate_design(data: dict[str, Any], path: str | Path | None) -> Design:
    """Design.model_validate, with long component and link lists validated in slices.

    pydantic holds the GIL while it validates; between slices other threads run, so a window
    that loads a big file on a worker thread keeps painting and answering. A small design of
    the exact expected shape is assembled without pydantic's validator (app/persistence/
    trusted.py), which then need not be built at all by `mlsd check` or the window's start.
    """
    sliced = {
        key: value
        for key, value in ((k, data.get(k)) for k in _LIST_FIELDS)
        if isinstance(value, list) and len(value) > VALIDATE_SLICE
    }
    if not sliced:
        trusted = construct_trusted(data)
        if trusted is not None:
            return trusted
    try:
        design = Design.model_validate({**data, **{key: [] for key in sliced}})
    except ValidationError as exc:
        raise DesignLoadError(path, *_describe_validation_error(exc, data)) from None
    for key, items in sliced.items():
        validated: list[Any] = []
        for start in range(0, len(items), VALIDATE_STEP):
            try:
                validated += _list_adapter(key).validate_python(items[start : start + VALIDATE_STEP])
            except ValidationError as exc:
                raise DesignLoadError(path, *_describe_validation_error(exc, data, key, start)) from None
        setattr(design, key, validated)
    design.invalidate_indexes()
    return design


def _describe_validation_error(
    exc: ValidationError, data: dict[str, Any], field: str = "", offset: int = 0
) -> tuple[str, str]:
    """Message and place of the first problem; `field`/`offset` place errors of a slice."""
    errors = exc.errors(include_url=False)
    locs = [tuple(error["loc"]) for error in errors]
    if field:
        locs = [(field, int(loc[0]) + offset, *loc[1:]) for loc in locs]
    first, loc = errors[0], locs[0]
    value = first.get("input")
    place = overflow_place(data, loc) if isinstance(value, float) else None
    if place is not None:  # one problem, however many union members refused it
        others = sum(other[: len(place)] != place for other in locs)
        more = f" (and {others} more problems)" if others else ""
        return f"{NUMBER_TOO_LARGE}{more}", _json_path(place)
    refused = union_refusal(data, loc, locs)
    if refused is not None:  # one problem, however many union members refused it
        place, problem = refused
        others = sum(other[: len(place)] != place for other in locs)
        more = f" (and {others} more problems)" if others else ""
        return f"{problem}{more}", _json_path(place)
    where = _json_path(loc)
    more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
    shown = ""
    if isinstance(value, str | int | float | bool) or value is None:
        shown = f", got {quoted(value)}"
    return f"{first['msg']}{shown}{more}", where


def _json_path(loc: tuple[Any, ...]) -> str:
    return "$" + "".join(f"[{part}]" if isinstance(part, int) else _member(str(part)) for part in loc)


def _member(key: str) -> str:
    """`.key`, or `['key']` (escaped, on one line) when the file's key is not a plain word."""
    return f".{key}" if key.replace("_", "a").isalnum() and key.isascii() else f"[{quoted(key)}]"


def check_design_integrity(design: Design, path: str | Path | None, catalog: Catalog) -> list[str]:
    """Raise for duplicate ids, dangling links and bad property values; return warnings."""
    warnings: list[str] = []
    seen: dict[str, int] = {}
    for i, component in enumerate(design.components):
        if component.id in seen:
            raise DesignLoadError(
                path,
                f"duplicate component id {quoted(component.id)} "
                f"(first used at $.components[{seen[component.id]}])",
                f"$.components[{i}].id",
            )
        seen[component.id] = i
        spec = catalog.kind(component.kind)
        if spec is None:
            warnings.append(
                f"$.components[{i}]: unknown kind {quoted(component.kind)} on {quoted(component.id)}; "
                "kept as is, but no rule understands it"
            )
            continue
        for name, value in component.properties.items():
            prop = spec.property(name)
            if prop is None:
                warnings.append(
                    f"$.components[{i}].properties{_member(name)}: {component.kind} has no property "
                    f"{quoted(name)}; kept as is"
                )
                continue
            try:
                component.properties[name] = prop.validate(value)
            except PropertyValueError as exc:
                raise DesignLoadError(path, exc.problem, f"$.components[{i}].properties.{name}") from None
    link_ids: dict[str, int] = {}
    pairs: dict[tuple[str, str], str] = {}
    for i, link in enumerate(design.links):
        if link.id in link_ids:
            raise DesignLoadError(path, f"duplicate link id {quoted(link.id)}", f"$.links[{i}].id")
        link_ids[link.id] = i
        for end in ("source", "target"):
            target = getattr(link, end)
            if target not in seen:
                raise DesignLoadError(
                    path,
                    f"link {quoted(link.id)} points to a missing component {quoted(target)}",
                    f"$.links[{i}].{end}",
                )
        if link.source == link.target:
            loop = f"link {quoted(link.id)} links a component to itself"
            raise DesignLoadError(path, loop, f"$.links[{i}]")
        ends = (link.source, link.target)
        if ends in pairs:
            raise DesignLoadError(
                path,
                f"link {quoted(link.id)} repeats link {quoted(pairs[ends])} (same source and target)",
                f"$.links[{i}]",
            )
        pairs[ends] = link.id
    warnings += _check_decisions(design, path, seen)
    return warnings


def _check_decisions(design: Design, path: str | Path | None, components: dict[str, int]) -> list[str]:
    """Unique ids, complete records, a chosen option among the options, existing superseded ids,
    no decisions superseding each other in a circle."""
    warnings: list[str] = []
    decision_ids: set[str] = set()
    for i, decision in enumerate(design.decisions):
        if decision.id in decision_ids:
            duplicate = f"duplicate decision id {quoted(decision.id)}"
            raise DesignLoadError(path, duplicate, f"$.decisions[{i}].id")
        decision_ids.add(decision.id)
    for i, decision in enumerate(design.decisions):
        problem = decision_problem(decision, decision_ids)
        if problem is not None:
            raise DesignLoadError(path, problem[1], f"$.decisions[{i}]{problem[0]}")
        missing = [c for c in decision.components if c not in components]
        if missing:
            what = "it will match no finding" if decision.is_acceptance else "they are left out"
            warnings.append(f"$.decisions[{i}]: refers to missing components {quoted_all(missing)}; {what}")
    cycle = cycle_problem(design.decisions)
    if cycle is not None:
        index = next(i for i, d in enumerate(design.decisions) if d.id == cycle[0])
        raise DesignLoadError(path, cycle[1], f"$.decisions[{index}].supersedes")
    return warnings


def file_signature(path: str | Path) -> tuple[int, int] | None:
    """(size, mtime_ns) of a file, to notice when it changed on disk; None if absent."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns
