"""Designs for rubric tests: templates, a half-finished recommender (with and without padding,
and filled in honestly) and templates with one classic flaw each."""

from __future__ import annotations

from app.domain.catalog import Catalog
from app.domain.model import Component, Design, Link
from app.persistence import load_design
from app.rules.engine import check_design
from app.rules.rubric import Rubric, score_design
from app.templates import find_template

# The recommender's properties a hurried candidate sets first.
HALF_FINISHED_KEEP = {
    ("framing", "task"),
    ("objective", "kpi"),
    ("m_ndcg", "name"),
    ("labels", "label_type"),
}
HALF_FINISHED_STAGES = ("business", "data", "features", "model")
# Nine empty boxes that make the half-finished recommender look complete, and their links.
PADDING = (
    ("pad_endpoint", "endpoint", "Feed API"),
    ("pad_consumer", "consumer", "Home feed"),
    ("pad_release", "release_strategy", "Release"),
    ("pad_cicd", "cicd_pipeline", "CI/CD"),
    ("pad_drift", "monitor", "Drift monitor"),
    ("pad_ops", "monitor", "Ops monitor"),
    ("pad_experiment", "experiment", "A/B test"),
    ("pad_logger", "prediction_logger", "Prediction log"),
    ("pad_dashboard", "dashboard", "Dashboard"),
)
PADDING_LINKS = (
    ("ranker", "pad_endpoint"),
    ("pad_endpoint", "pad_consumer"),
    ("registry", "pad_release"),
    ("pad_release", "pad_endpoint"),
    ("pad_cicd", "training_job"),
    ("pad_drift", "pad_endpoint"),
    ("pad_ops", "pad_endpoint"),
    ("pad_experiment", "pad_endpoint"),
    ("pad_endpoint", "pad_logger"),
    ("pad_logger", "pad_dashboard"),
)


def template_design(name: str, catalog: Catalog) -> Design:
    return load_design(find_template(name).path, catalog).design


def rubric_of(design: Design, catalog: Catalog) -> Rubric:
    return score_design(design, check_design(design, catalog), catalog)


def scores(design: Design, catalog: Catalog) -> dict[str, int]:
    return {d.name: d.score for d in rubric_of(design, catalog).dimensions}


def restrict(design: Design, catalog: Catalog, stages: tuple[str, ...]) -> Design:
    """The design with only the components of `stages` (and the links between them)."""
    keep = {c.id for c in design.components if catalog.stage_of(c.kind) in stages}
    restricted = design.model_copy(
        update={
            "components": [c for c in design.components if c.id in keep],
            "links": [lk for lk in design.links if lk.source in keep and lk.target in keep],
            "decisions": [],
        },
        deep=True,
    )
    restricted.invalidate_indexes()
    return restricted


def honest_recommender(catalog: Catalog) -> Design:
    """The recommender's first four stages, every property filled in (the template's values)."""
    return restrict(template_design("recommendations", catalog), catalog, HALF_FINISHED_STAGES)


def half_finished_recommender(catalog: Catalog) -> Design:
    """The same components with only a handful of properties set."""
    design = honest_recommender(catalog)
    for component in design.components:
        component.properties = {
            k: v for k, v in component.properties.items() if (component.id, k) in HALF_FINISHED_KEEP
        }
    return design


def pad(design: Design, catalog: Catalog) -> Design:
    """`design` plus nine empty boxes linked where the missing stages would go."""
    padded = design.model_copy(deep=True)
    padded.invalidate_indexes()
    kinds = {c.id: c.kind for c in padded.components}
    for cid, kind, name in PADDING:
        padded.components.append(Component(id=cid, kind=kind, name=name))
        kinds[cid] = kind
    for n, (source, target) in enumerate(PADDING_LINKS):
        if source in kinds and target in kinds:
            flow = catalog.default_flow(kinds[source], kinds[target])
            padded.links.append(Link(id=f"pad_link{n}", source=source, target=target, flow=flow))
    padded.invalidate_indexes()
    return padded


def with_property(design: Design, component_id: str, prop: str, value: object) -> Design:
    changed = design.model_copy(deep=True)
    changed.invalidate_indexes()
    changed.component_by_id()[component_id].properties[prop] = value  # type: ignore[assignment]
    return changed


def flawed_designs(catalog: Catalog) -> dict[str, tuple[Design, Design, str]]:
    """name -> (flawed design, the same design fixed, the dimension the flaw belongs to)."""
    recs = template_design("recommendations", catalog)
    ads = template_design("ad_ctr", catalog)
    return {
        "random split on time-series data": (
            with_property(recs, "dataset", "split", "random"),
            recs,
            "Decision-making",
        ),
        "no gate before serving": (
            with_property(recs, "evaluation", "gate", False),
            recs,
            "Decision-making",
        ),
        "uncorrected negative sampling before an auction": (
            with_property(ads, "sampling", "weighted_correction", False),
            ads,
            "Decision-making",
        ),
    }
