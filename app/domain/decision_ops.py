"""Decision records and the design's goals, non-goals and assumptions: checks and edit operations.

The same check serves the loader (which names the file and place) and the edit operations
(which raise a DecisionError and leave the design untouched). Like every edit operation,
each function validates first and changes the design only when everything is in order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from app.domain.changes import Change
from app.domain.errors import DesignError, DuplicateIdError, quoted, rule_id
from app.domain.model import DECISION_STATUSES, Decision, Design
from app.domain.text import isolate

META_LIST_FIELDS = ("goals", "non_goals", "assumptions")


class DecisionError(DesignError):
    """A decision record that is incomplete or inconsistent, or an unknown decision id."""


class UnknownDecisionError(DecisionError):
    def __init__(self, decision_id: str):
        super().__init__(f"no decision with id {quoted(decision_id)}")
        self.decision_id = decision_id


def decision_problem(decision: Decision, decision_ids: Iterable[str]) -> tuple[str, str] | None:
    """The first problem of a decision as (place under the decision, message), or None.

    `decision_ids` are the ids of every decision in the design (for `supersedes`).
    """
    this = quoted(decision.id)
    if decision.is_acceptance:
        if not decision.rationale.strip():
            return ".rationale", f"decision {this} accepts {rule_id(decision.rule)} but gives no rationale"
    elif not decision.title.strip():
        return ".title", f"decision {this} needs a title (or a rule, if it accepts a finding)"
    if decision.status not in DECISION_STATUSES:
        expected = ", ".join(DECISION_STATUSES)
        return ".status", f"unknown status {quoted(decision.status)}; expected one of {expected}"
    seen: dict[str, int] = {}
    for index, option in enumerate(decision.options):
        if not option.name.strip():
            return f".options[{index}].name", f"option {index + 1} of decision {this} has no name"
        if option.name in seen:
            return (
                f".options[{index}].name",
                f"option name {quoted(option.name)} appears twice in decision {this} "
                f"(first as option {seen[option.name] + 1})",
            )
        seen[option.name] = index
    if decision.chosen and decision.chosen not in seen:
        names = ", ".join(quoted(name) for name in seen) or "none"
        return (
            ".chosen",
            f"chosen option {quoted(decision.chosen)} of decision {this} is not one of its options ({names})",
        )
    if decision.supersedes:
        if decision.supersedes == decision.id:
            return ".supersedes", f"decision {this} cannot supersede itself"
        if decision.supersedes not in set(decision_ids):
            return (
                ".supersedes",
                f"decision {this} supersedes {quoted(decision.supersedes)}, which is not a decision here",
            )
    return None


def supersede_cycle(supersedes: Mapping[str, str]) -> list[str] | None:
    """The ids of a chain of `supersedes` (decision id -> the id it supersedes, "" for none)
    that leads back to where it starts (d1 supersedes d2, which supersedes d1), beginning at
    the first such decision in the mapping's order; None when there is none."""
    target = {i: s for i, s in supersedes.items() if s}
    for start in target:
        chain, current = [start], target[start]
        while current in target and current not in chain:
            chain.append(current)
            current = target[current]
        if current == start:
            return chain
    return None


def cycle_problem(decisions: Iterable[Decision]) -> tuple[str, str] | None:
    """(id of the first decision in a cycle of `supersedes`, message), or None."""
    cycle = supersede_cycle({d.id: d.supersedes for d in decisions})
    if cycle is None:
        return None
    chain = " -> ".join(repr(i) for i in [*cycle, cycle[0]])
    return cycle[0], f"decisions supersede each other in a circle ({chain})"


def check_decision(design: Design, decision: Decision, replacing: str | None = None) -> None:
    """Raise a DecisionError if `decision` may not be added (or replace the decision `replacing`)."""
    if not decision.id:
        raise DecisionError("a decision needs an id")
    ids = [d.id for d in design.decisions]
    if decision.id != replacing and decision.id in ids:
        raise DuplicateIdError(decision.id)
    problem = decision_problem(decision, [*ids, decision.id])
    if problem is not None:
        raise DecisionError(problem[1])
    after = [decision if d.id == decision.id else d for d in design.decisions]
    cycle = cycle_problem(after if decision.id in ids else [*after, decision])
    if cycle is not None:
        raise DecisionError(cycle[1])


def get_decision(design: Design, decision_id: str) -> Decision:
    for decision in design.decisions:
        if decision.id == decision_id:
            return decision
    raise UnknownDecisionError(decision_id)


def superseded_by(design: Design, decision_id: str) -> list[Decision]:
    """The decisions that name `decision_id` as the one they supersede."""
    return [d for d in design.decisions if d.supersedes == decision_id and d.id != decision_id]


def concerning(design: Design, component_id: str) -> list[Decision]:
    """The decisions that concern one component, in file order."""
    return [d for d in design.decisions if component_id in d.components]


def add_decision(design: Design, decision: Decision, index: int | None = None) -> list[Change]:
    check_decision(design, decision)
    at = len(design.decisions) if index is None else max(0, min(index, len(design.decisions)))
    design.decisions.insert(at, decision)
    return [Change("decisions_changed", decision.id)]


def update_decision(design: Design, decision: Decision) -> tuple[Decision, list[Change]]:
    """Replace the decision with the same id; returns the one it replaced."""
    old = get_decision(design, decision.id)
    check_decision(design, decision, replacing=decision.id)
    index = next(i for i, d in enumerate(design.decisions) if d is old)
    design.decisions[index] = decision
    return old, [Change("decisions_changed", decision.id)]


def check_removable(design: Design, decision_id: str) -> Decision:
    """The decision, if it may be removed: no other decision may still name it as superseded."""
    decision = get_decision(design, decision_id)
    later = superseded_by(design, decision_id)
    if later:
        raise DecisionError(
            f"decision {decision.label!r} is superseded by {later[0].label!r} ({later[0].id}); "
            "delete that one first or make it supersede nothing"
        )
    return decision


def remove_decision(design: Design, decision_id: str) -> tuple[tuple[int, Decision], list[Change]]:
    """Remove a decision; refused while another decision says it supersedes this one."""
    decision = check_removable(design, decision_id)
    index = next(i for i, d in enumerate(design.decisions) if d is decision)
    del design.decisions[index]
    return (index, decision), [Change("decisions_changed", decision_id)]


def supersede_decision(design: Design, old_id: str, new: Decision) -> tuple[str, list[Change]]:
    """Add `new` as the successor of `old_id` and mark the old one superseded; returns its old status."""
    old = get_decision(design, old_id)
    if new.supersedes != old_id:
        raise DecisionError(f"the new decision must name {old_id!r} as the one it supersedes")
    check_decision(design, new)
    previous = old.status
    design.decisions.append(new)
    old.status = "superseded"
    return previous, [Change("decisions_changed", new.id), Change("decisions_changed", old_id)]


def set_decision_status(design: Design, decision_id: str, status: str) -> tuple[str, list[Change]]:
    """Change only the status of a decision; returns the old status."""
    if status not in DECISION_STATUSES:
        raise DecisionError(f"unknown status {status!r}; expected one of {', '.join(DECISION_STATUSES)}")
    decision = get_decision(design, decision_id)
    previous = decision.status
    decision.status = status  # type: ignore[assignment]
    return previous, [Change("decisions_changed", decision_id)]


def check_meta_list(field_name: str, items: Any) -> None:
    """Raise unless `items` may become the design's goals, non_goals or assumptions."""
    if field_name not in META_LIST_FIELDS:
        raise ValueError(f"not an editable meta list: {field_name!r}")
    if not isinstance(items, list | tuple):
        raise TypeError(f"{field_name} must be a list of texts")
    for number, item in enumerate(items, 1):
        if not isinstance(item, str):
            raise TypeError(f"{field_name} item {number} must be text")
        if not item.strip():
            raise DesignError(f"{field_name} item {number} is empty")


def set_meta_list(design: Design, field_name: str, items: Any) -> tuple[list[str], list[Change]]:
    """Set goals, non_goals or assumptions (a list of non-empty texts); returns the old list."""
    check_meta_list(field_name, items)
    old = list(getattr(design.meta, field_name))
    setattr(design.meta, field_name, list(items))
    return old, [Change("meta_changed")]


def alternatives_note(decision: Decision) -> str:
    """What a review board asks first of a decision with fewer than two options argued: what
    else was weighed, and why ("" when two options or more have a pro or con). Said by the
    report, the Markdown and the Decisions dock; `Decision.weighs_alternatives` is what the
    summaries' counts, R54 and the rubric read."""
    named = [option for option in decision.options if option.name.strip()]
    argued = decision.argued_options
    if len(argued) >= 2:
        return ""
    if len(named) < 2:
        return "None recorded beside the option listed." if named else "None recorded."
    bare = [option.name.strip() for option in named if option not in argued]
    return f"Listed, not weighed: no pro or con is recorded for {_one_of(bare)}."


def _one_of(names: list[str]) -> str:
    """'"A"', '"A" or "B"', '"A", "B" or "C"' (each name on one line, isolated: two
    right-to-left names with only '", "' between them would read as one phrase, in swapped
    order)."""
    shown = [f'"{isolate(" ".join(name.split()))}"' for name in names]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " or " + shown[-1]
