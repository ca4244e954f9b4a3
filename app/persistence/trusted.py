"""Building a Design from JSON data of the expected shape without pydantic's validator.

pydantic builds a model's validator the first time it validates (about a tenth of a whole
`mlsd check`, with the plugin scan it runs then). A design file written by MLSD Studio has
exactly the shape the models describe, so for such data `construct_trusted` checks every
value itself and assembles the models with `model_construct`. Anything it is not sure of (a
value of another type, one pydantic would convert, an unknown status, a key that starts with
an underscore ...) makes it answer None, and the loader validates with pydantic as before: every
error message, and every conversion pydantic makes, stays pydantic's own.

The result equals what `Design.model_validate` gives for the same data: the same fields,
values of the same types (whole numbers in positions become floats), unknown fields kept as
extras, and the same set of fields marked as set (tests/persistence/test_trusted.py).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import cache
from typing import Any, TypeVar

from pydantic import BaseModel

from app.domain.model import (
    DECISION_STATUSES,
    FLOWS,
    MAX_COORDINATE,
    OVERRIDE_LEVELS,
    PHASES,
    Component,
    Decision,
    DecisionOption,
    Design,
    Link,
    Meta,
    Position,
)

M = TypeVar("M", bound=BaseModel)
Check = Callable[[Any], Any]


class _Untrusted(Exception):
    """The data is not of the exact expected shape: pydantic validates it instead."""


def _text(value: Any) -> str:
    if type(value) is not str:
        raise _Untrusted
    return value


def _name(value: Any) -> str:  # a str field with min_length=1
    if type(value) is not str or not value:
        raise _Untrusted
    return value


def _flag(value: Any) -> bool:
    if type(value) is not bool:
        raise _Untrusted
    return value


def _number(value: Any) -> float:
    """A float field: finite numbers only (allow_inf_nan=False); whole numbers become floats."""
    if type(value) is float:
        if not math.isfinite(value):
            raise _Untrusted
        return value
    if type(value) is int:
        try:
            converted = float(value)
        except OverflowError:
            raise _Untrusted from None
        if not math.isfinite(converted):
            raise _Untrusted
        return converted
    raise _Untrusted


def _coordinate(value: Any) -> float:
    number = _number(value)
    if not -MAX_COORDINATE <= number <= MAX_COORDINATE:
        raise _Untrusted
    return number


def _whole(value: Any) -> int:
    if type(value) is not int:
        raise _Untrusted
    return value


def _texts(value: Any) -> list[str]:
    if type(value) is not list or any(type(item) is not str for item in value):
        raise _Untrusted
    return list(value)


def _one_of(choices: tuple[str, ...]) -> Check:
    def check(value: Any) -> str:
        if type(value) is not str or value not in choices:
            raise _Untrusted
        return value

    return check


def _property_value(value: Any) -> Any:
    """bool | int | float | str | list[str] | None, each kept as it is (floats finite)."""
    kind = type(value)
    if value is None or kind is bool or kind is int or kind is str:
        return value
    if kind is float:
        if not math.isfinite(value):
            raise _Untrusted
        return value
    return _texts(value)


def _properties(value: Any) -> dict[str, Any]:
    if type(value) is not dict:
        raise _Untrusted
    return {_text(key): _property_value(item) for key, item in value.items()}


def _overrides(value: Any) -> dict[str, str]:
    if type(value) is not dict:
        raise _Untrusted
    level = _one_of(OVERRIDE_LEVELS)
    return {_text(key): level(item) for key, item in value.items()}


def _model(cls: type[M], checks: dict[str, Check], data: Any) -> M:
    """`cls` from a dict whose known fields all pass their checks; other keys become extras."""
    if type(data) is not dict:
        raise _Untrusted
    values: dict[str, Any] = {}
    for key, value in data.items():
        if type(key) is not str or key.startswith("_"):  # private attributes are not data
            raise _Untrusted
        check = checks.get(key)
        if check is None:
            if key not in cls.model_fields:
                values[key] = value  # an unknown field, kept as it is (extra="allow")
                continue
            raise _Untrusted  # a field this module does not know how to check
        values[key] = check(value)
    if not _required(cls) <= values.keys():
        raise _Untrusted  # pydantic names the missing field
    given = set(values)
    for name, default in _MODEL_DEFAULTS.get(cls, {}).items():
        if name not in values:  # model_construct would call Position() or Meta(): a validator build
            values[name] = default.model_construct(_fields_set=set())
    return cls.model_construct(_fields_set=given, **values)


@cache
def _required(cls: type[BaseModel]) -> frozenset[str]:
    return frozenset(name for name, spec in cls.model_fields.items() if spec.is_required())


def _list_of(build: Callable[[Any], Any]) -> Check:
    def check(value: Any) -> list[Any]:
        if type(value) is not list:
            raise _Untrusted
        return [build(item) for item in value]

    return check


# Fields whose default is another model: built here without validating its defaults.
_MODEL_DEFAULTS: dict[type[BaseModel], dict[str, type[BaseModel]]] = {
    Component: {"position": Position},
    Design: {"meta": Meta},
}
_POSITION: dict[str, Check] = {"x": _coordinate, "y": _coordinate}
_META: dict[str, Check] = {
    **dict.fromkeys(("title", "author", "problem", "notes", "created", "modified"), _text),
    **dict.fromkeys(("goals", "non_goals", "assumptions"), _texts),
}
_COMPONENT: dict[str, Check] = {
    "id": _name,
    "kind": _name,
    "name": _text,
    "properties": _properties,
    "technology": _text,
    "notes": _text,
    "position": lambda value: _model(Position, _POSITION, value),
    "pinned": _flag,
}
_LINK: dict[str, Check] = {
    "id": _name,
    "source": _name,
    "target": _name,
    "flow": _one_of(FLOWS),
    "phase": _one_of(PHASES),
    "feedback": _flag,
    "label": _text,
}
_OPTION: dict[str, Check] = {"name": _name, "pros": _texts, "cons": _texts}
_DECISION: dict[str, Check] = {
    "id": _name,
    "components": _texts,
    "status": _one_of(DECISION_STATUSES),
    "options": _list_of(lambda value: _model(DecisionOption, _OPTION, value)),
    **dict.fromkeys(
        ("rule", "subject", "rationale", "date", "title", "context", "chosen", "consequences", "supersedes"),
        _text,
    ),
}
_DESIGN: dict[str, Check] = {
    "format": _one_of(("mlsd-studio/design",)),
    "schema_version": _whole,
    "meta": lambda value: _model(Meta, _META, value),
    "components": _list_of(lambda value: _model(Component, _COMPONENT, value)),
    "links": _list_of(lambda value: _model(Link, _LINK, value)),
    "decisions": _list_of(lambda value: _model(Decision, _DECISION, value)),
    "rule_overrides": _overrides,
}


def construct_trusted(data: Any) -> Design | None:
    """The Design `Design.model_validate(data)` would give, or None when the data is not of
    the exact shape this module checks (validate it with pydantic then)."""
    try:
        return _model(Design, _DESIGN, data)
    except _Untrusted:
        return None
