"""Shared vocabulary of R43-R53: sources beyond the common ones, and design-level signals
(is this a ranking system, which models learn from which labels, which models serve which
endpoints) computed once per check from the design's shape where possible."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import reduce
from itertools import compress, repeat
from operator import or_

from app.rules.checks._bits import bit_row, pick
from app.rules.checks._common import endpoint_view, is_learned, items, number
from app.rules.checks._feedback_reach import reach_bits_across_feedback
from app.rules.checks._output_feedback import own_link_reach
from app.rules.context import RuleContext
from app.rules.shape import links_at

# ---- sources -----------------------------------------------------------------------------

GUO_2017 = "Guo et al. 2017, On Calibration of Modern Neural Networks (ICML)"
NICULESCU_2005 = (
    "Niculescu-Mizil & Caruana 2005, Predicting Good Probabilities with Supervised Learning (ICML)"
)
JOACHIMS_2017 = "Joachims et al. 2017, Unbiased Learning-to-Rank with Biased Feedback (WSDM)"
CRASWELL_2008 = "Craswell et al. 2008, An Experimental Comparison of Click Position-Bias Models (WSDM)"
CHAPELLE_2014 = "Chapelle 2014, Modeling Delayed Feedback in Display Advertising (KDD)"
KOHAVI_2020 = "Kohavi, Tang & Xu 2020, Trustworthy Online Controlled Experiments, ch. 7 (metrics and the OEC)"
SCHEIN_2002 = "Schein et al. 2002, Methods and Metrics for Cold-Start Recommendations (SIGIR)"
GDPR_ART5 = "GDPR Art. 5(1)(c) data minimisation and 5(1)(e) storage limitation"
TOBIN_1958 = "Tobin 1958, Estimation of Relationships for Limited Dependent Variables (Econometrica)"
LAKKARAJU_2017 = "Lakkaraju et al. 2017, The Selective Labels Problem (KDD)"
OWASP_LLM = "OWASP Top 10 for LLM Applications (2025)"
CHEN_2023 = "Chen, Zaharia & Zou 2023, How Is ChatGPT's Behavior Changing over Time?"
NIST_RMF = "NIST AI Risk Management Framework 1.0 (2023)"
DALVI_2004 = "Dalvi et al. 2004, Adversarial Classification (KDD)"
LANDIS_KOCH_1977 = (
    "Landis & Koch 1977, The Measurement of Observer Agreement for Categorical Data (Biometrics)"
)
RATNER_2017 = "Ratner et al. 2017, Snorkel: Rapid Training Data Creation with Weak Supervision (VLDB)"

# ---- values ------------------------------------------------------------------------------

RANKING_METRICS = ("ndcg", "map", "mrr", "recall_at_k")
CLUSTERING_FAMILIES = ("kmeans", "dbscan")
# Labels where an event that has not happened yet reads as a negative (no click, no churn yet).
OUTCOME_LABELS = ("natural", "delayed_outcome")


def said(value: object) -> str:
    """A property value for a message: 'none', 'unset'."""
    return "unset" if value is None else str(value)


def model_ids(ctx: RuleContext) -> list[str]:
    """Components of kind model, in design order (shape only)."""
    return [c.id for c in ctx.of_kind("model")]


def learned_models(ctx: RuleContext) -> list[str]:
    """Models that learn from data (not hand-written rules, not clustering)."""
    return [
        c.id
        for c in ctx.of_kind("model")
        if is_learned(ctx, c.id) and c.properties.get("family") not in CLUSTERING_FAMILIES
    ]


def ranking_signals(ctx: RuleContext) -> list[str]:
    """What makes the design a ranking or recommendation system: a framing with task ranking, a
    rerank decision policy, a ranking metric (NDCG, MAP, MRR, recall@k) or a retriever (it
    returns ranked candidates). Empty when none."""
    found = [c.id for c in ctx.of_kind("problem_framing") if c.properties.get("task") == "ranking"]
    found += [c.id for c in ctx.of_kind("retriever")]
    found += [c.id for c in ctx.of_kind("decision_policy") if c.properties.get("policy_type") == "rerank"]
    found += [c.id for c in ctx.of_kind("metric") if c.properties.get("name") in RANKING_METRICS]
    return found


def trained_by(ctx: RuleContext, seeds: list[str]) -> dict[str, list[str]]:
    """For each seed (a label or data source), the models its data reaches: through datasets,
    sampling and training jobs, never through another model; along links marked feedback too
    (labels joined into training on the link that closes a loop still train the model)."""
    models = model_ids(ctx)
    if not seeds or not models:
        return {}
    bits = reach_bits_across_feedback(ctx, seeds, models)
    found: dict[str, list[str]] = {}
    for model in models:
        for seed in pick(seeds, bits.get(model, 0)):
            found.setdefault(seed, []).append(model)
    return found


def stated_reach_bits(
    ctx: RuleContext, seeds: list[str], stop: Iterable[str], said: tuple[str, ...]
) -> Mapping[str, int]:
    """`ctx.reach_bits(seeds, stop=stop)` (bit i for seeds[i]), with the reach of the seeds that
    set one of the properties `said` taken along links marked feedback too. Those (components
    saying what they hold, the ones a rule can judge) are followed across the link closing a
    loop; a bare one crosses only its own output links marked feedback (`own_link_reach`: their
    far ends walk beside the seeds), so a large design of bare ones pays no walk across
    every feedback link on every link edit (for R13's data sources it would cost a full check
    +2.1 % and link edits +1.5 %)."""
    stopped = frozenset(stop)
    below = own_link_reach(ctx, seeds, stopped)
    stated = [s for s in seeds if any(ctx.prop(s, name) is not None for name in said)]
    if not stated or not ctx.feedback_links():
        return below
    down = reach_bits_across_feedback(ctx, stated, stopped)
    index = {seed: i for i, seed in enumerate(seeds)}
    bits = [1 << index[seed] for seed in stated]
    merged = dict(below)
    for node, mask in down.items():
        extra = 0
        for j in compress(range(len(stated)), bit_row(mask, len(stated))):
            extra |= bits[j]
        merged[node] = merged.get(node, 0) | extra
    return merged


def model_reach(ctx: RuleContext) -> Mapping[str, int]:
    """For every node, the models (bit i for model_ids()[i]) whose output reaches it without
    passing another model or a training job: what a model feeds at serving time (a policy, an
    endpoint, another model), also across a model's own output link marked feedback (the loop
    closed there still carries its scores). One pass shared by R43, R47, R48, R50 and R51, read
    off the walk R49 crosses links between stores of data with too (`prediction_reach`)."""
    models = model_ids(ctx)
    if not models:
        return {}
    return own_link_reach(ctx, models, _model_stops(ctx, models), stores=True, own_only=True)


def prediction_reach(ctx: RuleContext) -> Mapping[str, int]:
    """`model_reach`, also across a link marked feedback from a store of data into another or a
    training job (see `own_link_reach`): where the models' predictions land as data (R49)."""
    models = model_ids(ctx)
    if not models:
        return {}
    return own_link_reach(ctx, models, _model_stops(ctx, models), stores=True)


def _model_stops(ctx: RuleContext, models: list[str]) -> set[str]:
    return set(models) | ctx.ids_of_kind("training_job")


def final_models(ctx: RuleContext) -> set[str]:
    """Models whose output feeds no other model at serving time: their scores are what leaves
    the system (a retrieval model feeding a ranker is not final)."""

    def compute() -> set[str]:
        models = model_ids(ctx)
        bits = model_reach(ctx)
        inner = 0
        for i, model in enumerate(models):
            inner |= bits.get(model, 0) & ~(1 << i)
        return {m for i, m in enumerate(models) if not inner >> i & 1}

    return ctx.shape_memo("final_models", compute, {"links", "feedback"})


def models_reaching(ctx: RuleContext, nodes: Iterable[str]) -> dict[str, list[str]]:
    """For each of `nodes`, the models whose output reaches it (see `model_reach`)."""
    bits = model_reach(ctx)
    models = model_ids(ctx)
    found: dict[str, list[str]] = {}
    for node in nodes:
        mask = bits.get(node, 0)
        if mask:
            found[node] = pick(models, mask)
    return found


def models_reaching_kind(ctx: RuleContext, kind: str) -> dict[str, list[str]]:
    """`models_reaching` for every component of one kind, kept until the design's shape changes."""
    return ctx.shape_memo(
        ("models_reaching", kind),
        lambda: models_reaching(ctx, [c.id for c in ctx.of_kind(kind)]),
        {"links", "feedback"},
    )


def endpoint_models(ctx: RuleContext) -> dict[str, list[str]]:
    """For each endpoint, the models serving it: reached upstream from the endpoint without
    passing another model or a training job (the reading of `serving_models`, for all
    endpoints in one pass)."""
    return models_reaching_kind(ctx, "endpoint")


def _monitors_by_node(ctx: RuleContext) -> dict[str, list[str]]:
    """For each component, the monitors linked to it (either direction), in design order."""

    def compute() -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for monitor in ctx.of_kind("monitor"):
            if monitor.id not in ctx.succ:
                continue
            for node in {*ctx.succ[monitor.id], *ctx.pred[monitor.id]}:
                found.setdefault(node, []).append(monitor.id)
        return found

    return ctx.shape_memo("monitors_by_node", compute, {"links"}, local=links_at("monitor"))


def linked_monitors(ctx: RuleContext, nodes: Iterable[str]) -> list[str]:
    """Monitors linked (either direction) to any of `nodes`, in design order."""
    by_node = _monitors_by_node(ctx)
    found: list[str] = []
    for node in nodes:
        found += by_node.get(node, ())
    return list(dict.fromkeys(found)) if len(found) > 1 else found


def watch_verdict(ctx: RuleContext, monitors: Iterable[str], signals: set[str]) -> tuple[bool, list[str]]:
    """(some monitor watches one of `signals`, monitors whose watches is unset)."""
    unsure = []
    for monitor in monitors:
        watches = items(ctx.prop(monitor, "watches"))
        if watches is None:
            unsure.append(monitor)
        elif watches & signals:
            return True, []
    return False, unsure


def weighting(ctx: RuleContext) -> set[str]:
    """Sampling strategies that re-weight examples: importance weights with the correction on."""
    return {
        c.id
        for c in ctx.of_kind("sampling_strategy")
        if c.properties.get("method") == "importance_weight"
        and c.properties.get("weighted_correction") is True
    }


def weighted_labels(ctx: RuleContext, labels: list[str], targets: list[str]) -> dict[str, int]:
    """For each target (a training job or model), the labels (bit mask over `labels`) whose way
    to it passes an importance-weighting sampling strategy (along links marked feedback too)."""
    weighting_ids = weighting(ctx)
    if not weighting_ids or not labels or not targets:
        return {}
    strategies = [c.id for c in ctx.of_kind("sampling_strategy")]
    stop = model_ids(ctx)
    from_labels = reach_bits_across_feedback(ctx, labels, stop)
    from_strategies = reach_bits_across_feedback(ctx, strategies, stop)
    found: dict[str, int] = {}
    for target in targets:
        reaching = from_strategies.get(target, 0)
        mask = 0
        for strategy in pick(strategies, reaching):
            if strategy in weighting_ids:
                mask |= from_labels.get(strategy, 0)
        if mask:
            found[target] = mask
    return found


def randomly_observed(ctx: RuleContext, models: list[str]) -> set[str]:
    """Models with a random, uncensored slice of outcomes near where they serve: a prediction
    logger with holdout_pct > 0 and propensities logged, or a holdback experiment."""
    if not models:
        return set()
    view = endpoint_view(ctx)
    good = 0
    for logger in ctx.of_kind("prediction_logger"):
        holdout = number(logger.properties.get("holdout_pct"))
        if holdout is not None and holdout > 0 and logger.properties.get("propensity_logged") is True:
            good |= view.near(logger.id)
    for experiment in ctx.of_kind("experiment"):
        if experiment.properties.get("experiment_type") == "holdback":
            good |= view.near(experiment.id)
    if not good:
        return set()
    serving = endpoint_models(ctx)
    found: set[str] = set()
    for endpoint in view.endpoints:
        if view.bit[endpoint] & good:
            found.update(serving.get(endpoint, ()))
    return found & set(models)


_CADENCE_WORDS = {"hourly": 1.0, "daily": 24.0, "nightly": 24.0, "weekly": 168.0, "monthly": 720.0}
_UNIT_HOURS = {"minute": 1 / 60, "hour": 1.0, "day": 24.0, "week": 168.0, "month": 720.0}
_EVERY = re.compile(r"\bevery\s+(\d+(?:\.\d+)?\s*)?(minute|hour|day|week|month)s?\b")
_WORD = re.compile(r"\b(hourly|daily|nightly|weekly|monthly)\b")


def stated_cadence(text: str) -> float | None:
    """Hours between training runs stated in words ('Daily training', 'retrains every 6 hours',
    'weekly'), or None. The shortest cadence stated wins."""
    text = text.lower()
    found = [_CADENCE_WORDS[m.group(1)] for m in _WORD.finditer(text)]
    for m in _EVERY.finditer(text):
        count = float(m.group(1)) if m.group(1) else 1.0
        found.append(count * _UNIT_HOURS[m.group(2)])
    return min(found) if found else None


class ReachThrough:
    """Which seeds reach which nodes when `blocking` nodes stop the way and `unsure` nodes (an
    evaluation whose gate is unset, a governance step whose controls are unset) may or may not:
    `firm(n)` avoids both, `loose(n)` lets unsure nodes pass. One pass over the graph gives the
    firm answer for every node. Loose answers are needed only for nodes no seed reaches firmly:
    each walks back from the node asked about, until the walks have visited as many nodes as
    the graph holds; then one more pass answers all."""

    def __init__(
        self,
        ctx: RuleContext,
        seeds: list[str],
        blocking: set[str],
        unsure: set[str],
        serve: bool = False,
        feedback: bool = False,
    ):
        self.ctx, self.seeds, self.blocking, self.serve = ctx, seeds, frozenset(blocking), serve
        self.feedback = feedback
        self.bit = {seed: 1 << i for i, seed in enumerate(seeds)}
        self.unsure = list(ctx.sorted_ids(unsure - set(seeds)))
        self._firm = self._bits(seeds, blocking | unsure)
        self._budget = len(ctx.graph)
        self._loose: Mapping[str, int] | None = None

    def firm(self, node: str) -> int:
        """Seeds (bit mask) reaching `node` without passing a blocking or an unsure node."""
        return self._firm.get(node, 0)

    def firm_any(self, nodes: Iterable[str]) -> int:
        """The seeds reaching any of `nodes` firmly: `firm` of each, ORed (in C)."""
        return reduce(or_, map(self._firm.get, nodes, repeat(0)), 0)

    def _full(self) -> Mapping[str, int] | None:
        """Bits of the loose pass (seeds, then the unsure nodes), once walks would cost more."""
        if self._loose is None and self._budget <= 0:
            self._loose = self._bits([*self.seeds, *self.unsure], self.blocking)
        return self._loose

    def _bits(self, seeds: list[str], stop: Iterable[str]) -> Mapping[str, int]:
        if self.feedback:
            return reach_bits_across_feedback(self.ctx, seeds, stop, self.serve)
        return self.ctx.reach_bits(seeds, stop=stop, serve=self.serve)

    def _back(self, node: str) -> frozenset[str]:
        found = self.ctx.reach(
            [node], forward=False, stop=self.blocking, serve=self.serve, feedback=self.feedback
        )
        self._budget -= len(found) + 1
        return found

    def loose(self, node: str) -> int:
        """Seeds reaching `node` without passing a blocking node (unsure nodes let them pass)."""
        mask = self.firm(node)
        if mask or not self.unsure:
            return mask
        full = self._full()
        if full is not None:
            return full.get(node, 0) & ((1 << len(self.seeds)) - 1)
        bit = self.bit
        for other in self._back(node):
            mask |= bit.get(other, 0)
        return mask

    def best(self, node: str) -> tuple[int, bool]:
        """(the seeds reaching `node`: firmly if any do, else loosely; whether firmly)."""
        mask = self.firm(node)
        return (mask, True) if mask else (self.loose(node), False)

    def first_unsure(self, node: str) -> list[str]:
        """The unsure nodes on the way to `node` that a seed reaches firmly: the first unknown
        gate or control on each loose path, in design order."""
        if not self.unsure:
            return []
        full = self._full()
        if full is not None:
            on_way = pick(self.unsure, full.get(node, 0) >> len(self.seeds))
        else:
            back = self._back(node)
            on_way = [u for u in self.unsure if u in back]
        return [u for u in on_way if self.firm(u)]
