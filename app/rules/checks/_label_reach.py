"""Where labels reach, along links marked feedback too: labels joined back into training, or
into an evaluation, on the link that closes a loop (outcomes of served predictions, reviewers'
verdicts) are the same labels; the mark says the loop is meant, not that they stop there.

`human_judged` is R53's walk from human labels to the evaluations and the models they judge.
"""

from __future__ import annotations

from collections.abc import Sequence

from app.domain.model import Component
from app.rules.checks._feedback_reach import reach_bits_across_feedback
from app.rules.context import RuleContext


def human_labels(ctx: RuleContext, labels: Sequence[Component]) -> list[str]:
    """The human_annotation label sources, then the evaluations and datasets a human review's
    label link goes into (reviewers' verdicts are human labels too), on links marked feedback
    or not."""
    human = [c.id for c in labels if c.properties.get("label_type") == "human_annotation"]
    for review in ctx.ids_of_kind("human_review"):
        for target, data in ctx.succ[review].items():
            if data["flow"] == "label" and ctx.kind_of.get(target) in ("evaluation", "dataset"):
                if target not in human:
                    human.append(target)
    return human


def human_judged(ctx: RuleContext, labels: Sequence[Component], models: list[str]) -> set[str]:
    """The models an evaluation checks against human labels: human labels (`human_labels`)
    reach the evaluation, and the model feeds it, neither through a model, along links marked
    feedback too."""
    human = human_labels(ctx, labels)
    evaluations = [c.id for c in ctx.of_kind("evaluation")]
    if not human or not evaluations:
        return set()
    stop = set(models)
    from_human = reach_bits_across_feedback(ctx, human, stop)
    judging = [e for e in evaluations if e in human or from_human.get(e)]
    if not judging:
        return set()
    # few evaluations, and only where weak labels train a model: the walk with feedback links in
    above = ctx.reach_bits(judging, forward=False, stop=stop, feedback=True)
    return {m for m in models if above.get(m)}
