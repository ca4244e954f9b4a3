"""The PDF report read as a design document: section order, risks grouped by rule, no
near-empty pages, page counts within the targets, one glossary, units as a reader says them."""

from __future__ import annotations

import re

import pytest

from app.domain.catalog import default_catalog
from app.domain.model import Decision, DecisionOption, Design
from app.export import report_bytes
from app.export.design_doc import build_doc, risk_groups
from app.export.markdown import to_markdown
from app.export.mdtext import md_inline
from app.export.units import humanise_text, humanise_value
from app.persistence import load_design
from app.resources import resource_path
from app.rules.engine import check_design
from tests.export.designs import merged_templates
from tests.export.pdfread import flat, outline, page_texts, reader, text_of
from tests.factories import large_design

TEMPLATES = sorted(p.stem for p in resource_path("templates").glob("*.mlsd"))
ORDER = [
    "Summary",
    "Context and scope",
    "Architecture",
    "Design by stage",
    "Decisions",
    "Risks",
    "Open questions",
    "Appendix A. Rules and their result",
    "Appendix B. Glossary of properties",
]
TEMPLATE_PAGES, MERGED_PAGES = 15, 40


@pytest.fixture(scope="module")
def reports() -> dict[str, bytes]:
    catalog = default_catalog()
    built = {}
    for name in TEMPLATES:
        design = load_design(resource_path("templates", f"{name}.mlsd")).design
        built[name] = report_bytes(design, check_design(design, catalog), catalog, report_date="2026-12-01")
    return built


@pytest.fixture(scope="module")
def merged() -> tuple[Design, bytes]:
    catalog = default_catalog()
    design = merged_templates()
    return design, report_bytes(design, check_design(design, catalog), catalog, report_date="2026-12-01")


def test_the_merged_design_has_163_components(merged):
    assert len(merged[0].components) == 163


def test_sections_come_in_design_document_order(reports):
    for name, data in reports.items():
        top = [title for level, title, _page in outline(data) if level == 0]
        present = [t for t in ORDER if t in top]
        assert present == [t for t in top if t in ORDER], name
        for always in (
            "Summary",
            "Context and scope",
            "Architecture",
            "Design by stage",
            "Appendix A. Rules and their result",
        ):
            assert always in top, (name, always)
        assert top.count("Appendix B. Glossary of properties") == 1, name


def test_page_counts_within_targets(reports, merged):
    counts = {name: len(reader(data).pages) for name, data in reports.items()}
    assert max(counts.values()) <= TEMPLATE_PAGES, counts
    assert len(reader(merged[1]).pages) <= MERGED_PAGES


def test_no_near_empty_page_but_the_cover(reports, merged):
    for name, data in [*reports.items(), ("merged", merged[1])]:
        for number, text in enumerate(page_texts(data)[1:], 2):
            lines = [line for line in text.splitlines() if line.strip()]
            assert len(lines) >= 5, (name, number, lines)


def test_each_rule_heads_exactly_one_risk_group(reports, merged):
    catalog = default_catalog()
    for name, data in [*reports.items(), ("merged", merged[1])]:
        marks = [(lvl, t) for lvl, t, _p in outline(data)]
        if (0, "Risks") not in marks:
            continue
        start = marks.index((0, "Risks")) + 1
        end = next((i for i in range(start, len(marks)) if marks[i][0] == 0), len(marks))
        heads = [t.split(" · ")[0] for _lvl, t in marks[start:end]]
        assert len(heads) == len(set(heads)), (name, heads)
        if name != "merged":
            design = load_design(resource_path("templates", f"{name}.mlsd")).design
            expected = {f.rule for f in check_design(design, catalog).findings}
            assert set(heads) == expected, name
    design, data = merged
    result = check_design(design, default_catalog())
    groups = risk_groups(result)
    assert len(groups) == len({f.rule for f in result.findings})
    text = text_of(data).split("The rules' findings grouped by rule")[1]
    for group in groups:  # the suggestion once per rule, however many places it concerns
        assert text.count(flat(group.suggestion)[:60]) == 1, group.rule


def test_top_risks_are_distinct_rules(merged):
    design, _data = merged
    doc = build_doc(design, check_design(design, default_catalog()), default_catalog())
    rules = [g.rule for g in doc.top_risks]
    assert rules and len(rules) == len(set(rules))


def test_units_read_as_a_reader_says_them(reports):
    text = text_of(reports["fraud_detection"])
    assert "60 days" in text  # labels arrive 1440 h after the prediction
    assert "1440 h" not in text and "1,440 hours" not in text and "1,440 h" not in text
    assert humanise_value(86400, "s") == "1 day" and humanise_value(1440, "hours") == "60 days"
    assert humanise_value(36, "hours") == "36 hours" and humanise_value(3000000, None) == "3,000,000"
    assert humanise_value(1e308, "QPS") == "1e+308 QPS"  # was written in 309 digits and 102 commas
    assert (
        humanise_value(2.5e16, None) == "2.5e+16"
        and humanise_value(999_999_999_999_999, None) == "999,999,999,999,999"
    )
    assert humanise_value(1234567.89, None) == "1,234,567.9"  # was '1.23457e+06'
    assert humanise_value(12345.678, "ms") == "12,345.7 ms" and humanise_value(1234.5678, None) == "1,234.57"
    assert humanise_value(2345678.5, "hours") == "2,345,678.5 hours" and humanise_value(0.25, None) == "0.25"
    # findings write durations with separators, and the report still says them
    assert humanise_text("mature 1,440 h later, 86,400 s") == "mature 60 days later, 1 day"
    said = humanise_text("retrains every 168 h, windows of 90 s")
    assert said == "retrains every 7 days, windows of 90 seconds"


def test_glossary_replaces_per_table_meanings(reports):
    text = text_of(reports["fraud_detection"])
    meaning = "Typical time from prediction to a known label"
    assert text.count(meaning) == 1
    assert text.index(meaning) > text.index("Appendix B. Glossary of properties")


def test_appendix_gives_every_rule_its_result(reports):
    catalog = default_catalog()
    design = load_design(resource_path("templates", "fraud_detection.mlsd")).design
    result = check_design(design, catalog)
    text = text_of(reports["fraud_detection"]).split("Appendix A. Rules and their result")[-1]
    for rule in result.rules_checked:
        assert re.search(rf"\b{rule.id}\b", text), rule.id
    assert re.search(r"\d+ passed, \d+ open, \d+ accepted, \d+ switched off", text)


def test_design_decisions_print_options_choice_and_consequences(catalog):
    design = load_design(resource_path("templates", "recommendations.mlsd")).design
    design.decisions.append(
        Decision(
            id="retrieval",
            date="2026-12-01",
            title="Candidate retrieval",
            context="Ten million items; the ranker can score 500 per request.",
            options=[
                DecisionOption(
                    name="Two-tower retrieval", pros=["learns from content"], cons=["ANN index to run"]
                ),
                DecisionOption(name="Matrix factorisation", pros=["simple"], cons=["no cold start"]),
            ],
            chosen="Two-tower retrieval",
            consequences="An ANN index is rebuilt nightly.",
            components=[design.components[0].id],
        )
    )
    data = report_bytes(design, check_design(design, catalog), catalog, diagram_error="skipped")
    text = text_of(data).split("Candidate retrieval")[-1]
    for expected in (
        "Two-tower retrieval",
        "chosen",
        "Matrix factorisation",
        "+ learns from content",
        "no cold start",
    ):
        assert expected in text, expected
    assert "Consequences. An ANN index is rebuilt nightly." in text_of(data)


def test_empty_sections_are_one_line_in_the_summary(catalog):
    design = Design()
    data = report_bytes(design, check_design(design, catalog), catalog)
    summary = flat(page_texts(data)[1])  # the summary shares its page with the contents
    assert "The design has no components yet" in summary and "No decision is recorded yet." in summary
    titles = [t for _l, t, _p in outline(data)]
    assert not {"Architecture", "Decisions", "Design by stage", "Goals, non-goals and assumptions"} & set(
        titles
    )
    assert all(float(p.mediabox.width) < float(p.mediabox.height) for p in reader(data).pages)
    assert len(reader(data).pages) <= 5  # cover, contents, summary and risks, rules


def test_goals_non_goals_and_assumptions_follow_the_context(catalog):
    design = load_design(resource_path("templates", "spam_filter.mlsd")).design
    design.meta.goals = ["Catch 95% of spam at 0.1% false positives"]
    design.meta.non_goals = ["Phishing takedown"]
    design.meta.assumptions = ["Users report spam within a day"]
    data = report_bytes(design, check_design(design, catalog), catalog, diagram_error="skipped")
    top = [t for level, t, _p in outline(data) if level == 0]
    at = top.index("Goals, non-goals and assumptions")
    assert top[at - 1] == "Context and scope" and top[at + 1] == "Architecture"
    text = text_of(data)
    for item in (
        "Catch 95% of spam at 0.1% false positives",
        "Phishing takedown",
        "Users report spam within a day",
    ):
        assert item in text
    assert "No goals, non-goals or assumptions" not in text


def test_top_risks_name_each_place_once_and_count_the_rest(catalog):
    """A top risk listed its first three findings' places joined by "; ", the separator of the
    names within one place too, so one component came twice ("Endpoint 129; Primary monitor
    158; Endpoint 129; Monitor 162; and 4 more findings" for 7 findings) and the count could
    not be checked against the names. Now each place is named once, the first three and a
    count of the rest, and the names plus the count are every place the findings concern."""
    design = large_design(catalog, 120, 150)
    result = check_design(design, catalog)
    crowded = [g for g in build_doc(design, result, catalog).top_risks if len(g.open) > 3]
    shared = [
        g
        for g in crowded
        if len({c for f in g.open for c in f.components}) < sum(len(f.components) for f in g.open)
    ]
    assert shared  # findings of one rule that share a component
    summary = flat(" ".join(page_texts(report_bytes(design, result, catalog))[:4]))
    markdown = to_markdown(design, result, catalog)
    for group in crowded:
        ids = list(dict.fromkeys(c for f in group.open for c in f.components))
        names = [" ".join(design.component_by_id()[c].name.split()) for c in ids]
        expected = "; ".join(names[:3]) + (f" and {len(names) - 3:,} more" if len(names) > 3 else "")
        line = f"{len(group.open)} findings about {expected})"
        assert line in summary, (group.rule, line)
        assert line in markdown.replace("\\", ""), (group.rule, line)


def test_the_stage_sections_say_what_each_link_carries_in_its_own_words(catalog):
    """Links carry the designer's own label ("tokenized", "fit encoders on train split"): the
    SVG drew it, but the report's and the Markdown's "Sends to" lines gave only the flow, so a
    review board never read it (none of the fraud template's 19 labels was in its report)."""
    design = load_design(resource_path("templates", "fraud_detection.mlsd")).design
    names = {c.id: c.name for c in design.components}
    labelled = [lk for lk in design.links if lk.label.strip()]
    assert len(labelled) > 10
    text = text_of(report_bytes(design, check_design(design, catalog), catalog, diagram_error="skipped"))
    markdown = to_markdown(design, check_design(design, catalog), catalog)
    for link in labelled:
        carries = f"{link.flow}: {' '.join(link.label.split())}"
        assert f"{names[link.target]} ({carries})" in text, carries
        assert f"{md_inline(names[link.target], name=True)} ({md_inline(carries)})" in markdown, carries


def test_appendix_a_with_one_rule_to_note_has_one_column_of_headings(catalog):
    """The table of rules with something to say sets two rules a row; with one rule (the fraud
    template: R45 accepted) it still drew a second 'ID / Rule · severity / Result' heading over
    an empty half of the table."""
    design = load_design(resource_path("templates", "fraud_detection.mlsd")).design
    result = check_design(design, catalog)
    doc = build_doc(design, result, catalog)
    assert [row.spec.id for row in doc.rules if row.status != "passed"] == ["R45"]
    data = report_bytes(design, result, catalog, diagram_error="skipped")
    page = {title: n for _level, title, n in outline(data)}["Appendix A. Rules and their result"]
    text = flat(page_texts(data)[page - 1])
    assert text.count("Rule · severity") == 1, text


def test_the_approach_separates_names_that_hold_commas(catalog):
    """The summary's approach joined a stage's names with ", ", and names hold commas: the
    feed example's monitoring read 'Latency, errors & cost, KPI, quality & freshness, Recs
    health dashboard', two components or five."""
    design = load_design(resource_path("examples", "example.mlsd")).design
    doc = build_doc(design, check_design(design, catalog), catalog)
    monitoring = next(s for s in catalog.stages if s.id == "monitoring")
    ids = doc.result.coverage["monitoring"].components
    names = [" ".join(design.component_by_id()[c].name.split()) for c in ids[:3]]
    assert any("," in name for name in names)
    more = f" and {len(ids) - 3} more" if len(ids) > 3 else ""
    assert f"{monitoring.label}: {'; '.join(names)}{more}." in doc.approach


def test_a_right_to_left_link_label_is_isolated_in_the_markdown(catalog):
    """A link label in Arabic after "(data: " must not take the parenthesis into its run."""
    from tests.factories import DesignBuilder

    b = DesignBuilder(catalog, title="t")
    b.add("data_source", "Events", id="a")
    b.add("dataset", "Table", id="b")
    b.link("a", "b", label="نموذج التوصية")
    markdown = to_markdown(b.design, check_design(b.design, catalog), catalog)
    assert "Table (data: \u2068نموذج التوصية\u2069)" in markdown


def test_a_decision_without_alternatives_says_so(catalog):
    """A design decision with one option, or none, printed its lone option (or only its context)
    and nothing about what else was weighed, the first thing a review board asks."""
    design = load_design(resource_path("templates", "recommendations.mlsd")).design
    only = DecisionOption(name="Kafka", pros=["the team runs it"], cons=[])
    design.decisions += [
        Decision(id="bus", date="2026-12-01", title="Event bus", options=[only], chosen="Kafka"),
        Decision(id="region", date="2026-12-01", title="One region", context="EU users only."),
    ]
    result = check_design(design, catalog)
    text = text_of(report_bytes(design, result, catalog, diagram_error="skipped"))
    bus, region = text.split("Event bus")[-1], text.split("One region")[-1]
    assert "Alternatives. None recorded beside the option listed." in bus.split("One region")[0]
    assert "Alternatives. None recorded." in region
    assert text.count("Alternatives. None recorded") == 2  # not under the template's own decisions
    markdown = to_markdown(design, result, catalog)
    assert markdown.count("**Alternatives.** None recorded") == 2


def _event_bus_decided(options: list[DecisionOption]):
    """The recommendations template with one decision, Kafka chosen among `options`."""
    design = load_design(resource_path("templates", "recommendations.mlsd")).design
    design.decisions = [
        Decision(id="bus", date="2026-12-01", title="Event bus", options=options, chosen="Kafka",
                 consequences="One more cluster to run.")
    ]  # fmt: skip
    return design


def test_a_decision_whose_second_option_has_no_name_records_no_alternative(catalog):
    """Kafka beside an option of no name weighs nothing (the summary counts it as not weighing
    alternatives, as R54 and the rubric do); the decision said nothing about alternatives."""
    design = _event_bus_decided([DecisionOption(name="Kafka"), DecisionOption(name="  ")])
    markdown = to_markdown(design, check_design(design, catalog), catalog)
    assert "(0 weighing alternatives)" in markdown
    assert "**Alternatives.** None recorded beside the option listed." in markdown


def test_a_decision_listing_options_without_pros_or_cons_says_which_were_not_weighed(catalog):
    """Two option names with no pro or con are a list, not alternatives weighed: the summary
    does not count the decision, and the report and the Markdown name the options unargued."""
    design = _event_bus_decided([
        DecisionOption(name="Kafka", pros=["the team runs it"]),
        DecisionOption(name="Pulsar"),
        DecisionOption(name="Kinesis", cons=["  "]),
    ])  # fmt: skip
    result = check_design(design, catalog)
    note = 'Listed, not weighed: no pro or con is recorded for "Pulsar" or "Kinesis".'
    markdown = to_markdown(design, result, catalog)
    assert "(0 weighing alternatives)" in markdown
    assert f"**Alternatives.** {note}" in markdown
    text = " ".join(text_of(report_bytes(design, result, catalog, diagram_error="skipped")).split())
    assert f"Alternatives. {note}" in text
    design.decisions[0].options[1].cons = ["a cluster nobody here has run"]
    markdown = to_markdown(design, check_design(design, catalog), catalog)
    assert "(1 weighing alternatives)" in markdown and "**Alternatives.**" not in markdown


def test_merged_architecture_shows_its_connected_parts_names_cut_only_with_the_note(merged):
    """A part (rag_assistant's) whose three-line names would make it illegible keeps two-line
    names with the note, rather than the whole section falling back to every stage's figure."""
    _design, data = merged
    marks = [(level, title, page) for level, title, page in outline(data)]
    parts = [(title, page) for level, title, page in marks if level == 1 and title.startswith("Part ")]
    assert [title.split(":")[0] for title, _page in parts] == [f"Part {n} of 4" for n in range(1, 5)]
    texts = page_texts(data)
    for _title, page in parts:
        if "…" in flat(texts[page - 1]):
            assert "whole in its component's entry" in flat(texts[page - 1])
