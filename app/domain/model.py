"""The design document as pydantic models: the one source of field documentation."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

FORMAT_ID = "mlsd-studio/design"
SCHEMA_VERSION = 3

Flow = Literal[
    "data",
    "label",
    "feature",
    "artifact",
    "prediction",
    "action",
    "watch",
    "eval",
    "proxy",
    "govern",
]
FLOWS: tuple[str, ...] = Flow.__args__  # type: ignore[attr-defined]
Phase = Literal["train", "serve", "both"]
PHASES: tuple[str, ...] = Phase.__args__  # type: ignore[attr-defined]
OverrideLevel = Literal["off", "info", "warning", "error"]
DecisionStatus = Literal["proposed", "accepted", "superseded", "rejected"]
DECISION_STATUSES: tuple[str, ...] = DecisionStatus.__args__  # type: ignore[attr-defined]

PropertyValue = bool | int | float | str | list[str] | None
# A rule's per-design severity, or off (Design.rule_overrides).
OVERRIDE_LEVELS: tuple[str, ...] = get_args(OverrideLevel)


def now_iso() -> str:
    """Current UTC time as an ISO 8601 string with seconds precision."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


# pydantic's model_rebuild is not thread-safe, and the models build their validators on first
# use, which may come from two of the window's threads at once (a load on a worker, an edit).
_BUILD_LOCK = threading.RLock()


class _Model(BaseModel):
    # Unknown fields from newer tools survive a load/save round trip. Validators and
    # serializers are built on first use, not at import: `mlsd check` loads a design without
    # them (app/persistence/trusted.py).
    model_config = ConfigDict(
        extra="allow", allow_inf_nan=False, validate_assignment=False, defer_build=True
    )

    @classmethod
    def model_rebuild(
        cls,
        *,
        force: bool = False,
        raise_errors: bool = True,
        _parent_namespace_depth: int = 2,
        _types_namespace: Any = None,
    ) -> bool | None:
        """pydantic's, one build at a time. Every name the models' annotations use is a global
        of this module, so no caller's frame is searched for names (depth 0)."""
        with _BUILD_LOCK:
            return super().model_rebuild(
                force=force,
                raise_errors=raise_errors,
                _parent_namespace_depth=0,
                _types_namespace=_types_namespace,
            )


# How far from the origin a card may be: far beyond any layout (200,000 cards span ~1e5), and
# far below where the canvas's geometry overflows (1e308 squared is infinite).
MAX_COORDINATE = 1e9


class Position(_Model):
    x: float = Field(
        0.0,
        ge=-MAX_COORDINATE,
        le=MAX_COORDINATE,
        description="Horizontal position of the component's top-left corner.",
    )
    y: float = Field(
        0.0,
        ge=-MAX_COORDINATE,
        le=MAX_COORDINATE,
        description="Vertical position of the component's top-left corner.",
    )


class Meta(_Model):
    title: str = Field("Untitled design", description="Title of the design.")
    author: str = Field("", description="Who drew the design.")
    problem: str = Field(
        "",
        description="Problem statement: the business goal, the ML task, metrics and constraints.",
    )
    notes: str = Field("", description="Free notes about the design as a whole.")
    goals: list[str] = Field(
        default_factory=list, description="What the system must achieve, one short text each."
    )
    non_goals: list[str] = Field(
        default_factory=list, description="What the design deliberately leaves out, one short text each."
    )
    assumptions: list[str] = Field(
        default_factory=list, description="What the design takes as given, one short text each."
    )
    created: str = Field(default_factory=now_iso, description="When the design was created (ISO 8601).")
    modified: str = Field(default_factory=now_iso, description="When the design was last saved (ISO 8601).")


class Component(_Model):
    id: str = Field(description="Stable identifier, unique within the design.", min_length=1)
    kind: str = Field(description="Catalog kind id, e.g. 'model' or 'feature_store'.", min_length=1)
    name: str = Field("", description="Display name shown on the canvas and in reports.")
    properties: dict[str, PropertyValue] = Field(
        default_factory=dict, description="Kind-specific properties; null means unspecified."
    )
    technology: str = Field("", description="Technology that implements it, e.g. Kafka or Feast.")
    notes: str = Field("", description="Free notes about this component.")
    position: Position = Field(default_factory=Position, description="Position on the canvas.")
    pinned: bool = Field(
        False, description="Auto-layout leaves a pinned component where the user put it."
    )

    def prop(self, name: str) -> Any:
        """A property's value, None when unset."""
        return self.properties.get(name)


class Link(_Model):
    id: str = Field(description="Stable identifier, unique within the design.", min_length=1)
    source: str = Field(description="Id of the component the link starts at.", min_length=1)
    target: str = Field(description="Id of the component the link ends at.", min_length=1)
    flow: Flow = Field("data", description="What travels along the link.")
    phase: Phase = Field("both", description="Whether the link is used in training, serving or both.")
    feedback: bool = Field(False, description="Marks an intended loop (e.g. outcomes back to labels).")
    label: str = Field("", description="Optional text shown on the link.")


class DecisionOption(_Model):
    name: str = Field(description="Short name of the option, unique within its decision.", min_length=1)
    pros: list[str] = Field(default_factory=list, description="What speaks for this option.")
    cons: list[str] = Field(default_factory=list, description="What speaks against this option.")


class Decision(_Model):
    """One class, two uses: accepting a rule's finding (`rule` set) or a design decision."""

    id: str = Field(description="Stable identifier, unique within the design.", min_length=1)
    rule: str = Field(
        "",
        description="Id of the rule whose finding was accepted, e.g. 'R24'; empty for a design decision.",
    )
    components: list[str] = Field(default_factory=list, description="Ids of the components it concerns.")
    subject: str = Field(
        "",
        description="What the accepted finding is about when it names no component "
        "(e.g. 'stage:monitoring' for a missing stage); empty otherwise.",
    )
    rationale: str = Field(
        "", description="Acceptance: why the trade-off is acceptable (required for an acceptance)."
    )
    date: str = Field(default_factory=now_iso, description="When the decision was recorded.")
    title: str = Field("", description="Design decision: what was decided (required for a design decision).")
    status: DecisionStatus = Field(
        "accepted", description="proposed, accepted, superseded or rejected; only accepted ones count."
    )
    context: str = Field("", description="The situation and forces that call for the decision.")
    options: list[DecisionOption] = Field(
        default_factory=list, description="The options considered, each with its pros and cons."
    )
    chosen: str = Field("", description="Name of the chosen option; empty while none is chosen.")
    consequences: str = Field("", description="What follows from the choice, good and bad.")
    supersedes: str = Field("", description="Id of the decision this one replaces; empty for none.")

    @property
    def is_acceptance(self) -> bool:
        """True when the decision accepts a rule's finding rather than records a design choice."""
        return bool(self.rule)

    @property
    def weighs_alternatives(self) -> bool:
        """At least two options weighed (`argued_options`) and the consequences written down.
        Two names alone are a list, not a weighing."""
        return len(self.argued_options) >= 2 and bool(self.consequences.strip())

    @property
    def argued_options(self) -> list[DecisionOption]:
        """The options named and argued: a name and at least one pro or con (blank ones count
        for nothing)."""
        return [
            option
            for option in self.options
            if option.name.strip() and any(text.strip() for text in (*option.pros, *option.cons))
        ]

    @property
    def label(self) -> str:
        """A short readable name: the title, or 'Accept R24' for an acceptance."""
        return self.title or (f"Accept {self.rule}" if self.rule else self.id)


class Design(_Model):
    format: Literal["mlsd-studio/design"] = Field(
        "mlsd-studio/design", description="File format marker; always 'mlsd-studio/design'."
    )
    schema_version: int = Field(SCHEMA_VERSION, description="Version of this file format.")
    meta: Meta = Field(default_factory=Meta, description="Title, author and problem statement.")
    components: list[Component] = Field(default_factory=list, description="Boxes on the canvas.")
    links: list[Link] = Field(default_factory=list, description="Typed arrows between components.")
    decisions: list[Decision] = Field(
        default_factory=list,
        description="Design decisions with the options weighed, and accepted findings with their rationale.",
    )
    rule_overrides: dict[str, OverrideLevel] = Field(
        default_factory=dict, description="Per-design rule severity: off, info, warning or error."
    )

    _component_index: dict[str, Component] | None = PrivateAttr(default=None)
    _link_index: dict[str, Link] | None = PrivateAttr(default=None)

    def component_by_id(self) -> dict[str, Component]:
        """Components keyed by id (cached; edit operations keep it current)."""
        if self._component_index is None:
            self._component_index = {c.id: c for c in self.components}
        return self._component_index

    def link_by_id(self) -> dict[str, Link]:
        """Links keyed by id (cached; edit operations keep it current)."""
        if self._link_index is None:
            self._link_index = {lk.id: lk for lk in self.links}
        return self._link_index

    def invalidate_indexes(self) -> None:
        """Forget cached lookups after changing the lists directly."""
        self._component_index = None
        self._link_index = None

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> Design:
        """A deep copy (also `model_copy(deep=True)`) whose lookups index its own components and
        links: the cached indexes would otherwise be copied apart from the lists they index."""
        copy = super().__deepcopy__(memo)
        copy.invalidate_indexes()
        return copy

    def to_json_data(self) -> dict[str, Any]:
        """Plain JSON-ready data, unknown fields included (an ExactNumber among them stays one:
        pydantic's JSON mode would write 1e400 as null, app/domain/json_number.py)."""
        return self.model_dump()


def build_models() -> None:
    """Build every model's validator and serializer now, if not built yet (thread-safe)."""
    with _BUILD_LOCK:
        for model in (Position, Meta, Component, Link, DecisionOption, Decision, Design):
            model.model_rebuild()


def empty_design() -> Design:
    """`Design()` without validating its defaults, so without building pydantic's validators
    (a window starts on an empty design and builds them only when they are first needed)."""
    return Design.model_construct(_fields_set=set(), meta=Meta.model_construct(_fields_set=set()))
