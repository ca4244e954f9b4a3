"""R27's review load: how many cases a day a decision policy without action limits sends to
the human review queues below it (the highest endpoint qps above it times the highest
positive rate of the label sources above it), against each queue's capacity_per_day.

A label source's positive rate is followed along links marked feedback too: outcomes joined
into training on the link that closes the loop (chargebacks of the blocked payments) still set
the base rate of what the retrained model flags.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from app.rules.checks._bits import pick
from app.rules.checks._common import Unspecified, fmt, number
from app.rules.checks._feedback_reach import reach_bits_across_feedback
from app.rules.context import RuleContext
from app.rules.model import Hit


def _review_loads(
    ctx: RuleContext,
) -> tuple[list[str], list[str], Mapping[str, int], Mapping[str, int]] | None:
    """Endpoints with a qps and label sources with a positive rate, and which of them are
    upstream of each node, the labels along feedback links too (None when the design has none
    of either)."""
    endpoints = [c.id for c in ctx.of_kind("endpoint") if number(c.properties.get("qps")) is not None]
    labels = [
        c.id for c in ctx.of_kind("label_source") if number(c.properties.get("positive_rate")) is not None
    ]
    if not endpoints or not labels:
        return None
    return endpoints, labels, ctx.reach_bits(endpoints), reach_bits_across_feedback(ctx, labels, ())


def review_capacity(ctx: RuleContext, policy: str, reviews: set[str], unknown: Unspecified) -> Iterator[Hit]:
    """A review queue the policy fills without limits: is it sized for the flagged volume?"""
    loads = ctx.memo("review_loads", lambda: _review_loads(ctx))
    if not loads:
        return
    endpoints, labels, from_endpoints, from_labels = loads
    qps = [number(ctx.prop(e, "qps")) or 0.0 for e in pick(endpoints, from_endpoints.get(policy, 0))]
    rates = [number(ctx.prop(lb, "positive_rate")) or 0.0 for lb in pick(labels, from_labels.get(policy, 0))]
    if not qps or not rates:
        return
    queue_ids = list(ctx.sorted_ids(reviews))
    queues = pick(queue_ids, ctx.reach_bits(queue_ids, forward=False).get(policy, 0))
    flagged = max(qps) * 86400 * max(rates)
    for queue in queues:
        capacity = number(ctx.prop(queue, "capacity_per_day"))
        if capacity is None:
            unknown.note(
                queue,
                "capacity_per_day",
                f"{ctx.name(policy)} sends it about {fmt(flagged)} cases a day with no action limits",
                "reviews per day",
                severity="info",
                also=(policy,),
            )
        elif flagged > capacity:
            yield Hit(
                f"{ctx.name(policy)} has no action limits and sends about {fmt(flagged)} cases a day "
                f"(qps x positive rate) to {ctx.name(queue)}, which reviews {fmt(capacity)} a day",
                components=ctx.sorted_ids([policy, queue]),
            )
