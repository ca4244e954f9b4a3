"""`mlsd export NEW --pdf OUT --since OLD`: the "Changes since OLD" section after the summary."""

from __future__ import annotations

import pytest

from app.cli import main
from app.diff import diff_designs
from app.domain import ops
from app.domain.model import Design
from app.export.report import report_bytes
from app.export.report.changes import since_section
from app.persistence import save_design
from tests.export.designs import recommender_design
from tests.export.pdfread import flat, outline, page_texts

HOSTILE = "<b>Edge & cache</b>"


def fresh(design: Design) -> Design:
    """An independent copy (a deep model_copy would share its id index with the original)."""
    return Design.model_validate(design.model_dump(mode="json"))


def new_version(old: Design, catalog) -> Design:
    """The recommender with its A/B test removed, a cache added (named like markup), the
    ranker's latency raised and the release link relabelled."""
    new = fresh(old)
    ops.remove_component(new, "ab")
    cache = ops.make_component(new, catalog, "cache", 900, 600, HOSTILE)
    cache.id = "edge_cache"
    ops.add_component(new, catalog, cache)
    ops.set_property(new, catalog, "ranker", "p99_latency_ms", 45)
    ops.set_link_fields(new, "l21", label="canary 5%")
    return new


@pytest.fixture
def files(tmp_path, catalog):
    old = recommender_design(catalog)
    new = new_version(old, catalog)
    old_path, new_path = tmp_path / "feed-v1.mlsd", tmp_path / "feed-v2.mlsd"
    save_design(old, old_path)
    save_design(new, new_path)
    return old_path, new_path, diff_designs(old, new, catalog=catalog)


def test_the_section_follows_the_summary_and_lists_every_change(files, tmp_path, capsys):
    old_path, new_path, diff = files
    out = tmp_path / "report.pdf"
    assert main(["export", str(new_path), "--pdf", str(out), "--since", str(old_path)]) == 0
    data = out.read_bytes()
    marks = outline(data)
    top = [(n, title, page) for n, (level, title, page) in enumerate(marks) if level == 0]
    at = next(i for i, (_n, title, _p) in enumerate(top) if title == "Changes since feed-v1.mlsd")
    (summary_n, summary, summary_page), (changes_n, _t, changes_page) = top[at - 1], top[at]
    assert summary == "Summary" and at + 1 < len(top)  # right after the summary, more follows
    next_title, next_page = top[at + 1][1], top[at + 1][2]
    assert summary_page <= changes_page <= next_page

    pages = page_texts(data)
    section = flat(" ".join(pages[changes_page - 1 : next_page]))
    start = section.rindex("Changes since feed-v1.mlsd")  # the heading, after any contents' line
    # the summary's last heading is on an earlier page, or above the section on this one
    last_of_summary = marks[changes_n - 1]
    assert marks[summary_n][2] <= last_of_summary[2] <= changes_page
    if last_of_summary[2] == changes_page:  # the heading, not the contents' line on the same page
        page = flat(pages[changes_page - 1])
        assert page.rindex(last_of_summary[1]) < page.rindex("Changes since feed-v1.mlsd")
    body = section[start : section.index(next_title, start)]
    assert "Compared with feed-v1.mlsd" in body
    assert len(diff.changes) >= 5
    assert "GBDT ranker: P99 latency 35 ms -> 45 ms" in body  # a property, as the stage sections say it
    for change in diff.changes:
        if change.field.startswith("properties."):
            continue
        shown = change.summary.split(" ", 1)[1] if change.summary.startswith("Added ") else change.summary
        shown = shown.split(" ", 1)[1] if shown.startswith("Removed ") else shown
        assert flat(shown) in body, change.summary
    assert HOSTILE in body  # user text printed literally, never read as markup
    assert body.index("Components") < body.index("Links") < body.index("Stage coverage change")
    for finding in diff.introduced:
        assert f"{finding.rule} · {finding.severity}" in body[body.index("Findings introduced") :]
    for finding in diff.resolved:
        assert f"{finding.rule} · {finding.severity}" in body[body.index("Findings resolved") :]
    assert "wrote" in capsys.readouterr().err


def test_no_change_in_meaning_says_so(catalog):
    design = recommender_design(catalog)
    moved = fresh(design)
    ops.move_components(moved, {"ranker": (5000.0, 5000.0)})  # a move is not a change in meaning
    section = since_section(design, moved, "same.mlsd", catalog)
    assert section[0] == "Changes since same.mlsd"
    text = flat(" ".join(page_texts(report_bytes(moved, catalog=catalog, after_summary=[section]))))
    assert "Nothing changed in meaning since same.mlsd" in text
    assert "Unchanged: the design covers" in text


def test_since_needs_a_pdf_and_a_readable_old_file(files, tmp_path, capsys):
    old_path, new_path, _diff = files
    out = tmp_path / "report.pdf"
    assert main(["export", str(new_path), "--svg", str(tmp_path / "d.svg"), "--since", str(old_path)]) == 2
    assert "--since adds a section to the PDF report" in capsys.readouterr().err
    missing = tmp_path / "nowhere.mlsd"
    assert main(["export", str(new_path), "--pdf", str(out), "--since", str(missing)]) == 2
    err = capsys.readouterr().err
    assert "nowhere.mlsd" in err and "Traceback" not in err
    assert not out.exists()
    out.write_bytes(b"%PDF good one")
    broken = tmp_path / "broken.mlsd"
    broken.write_text("{ nope", encoding="utf-8")
    assert main(["export", str(new_path), "--pdf", str(out), "--since", str(broken)]) == 2
    assert "broken.mlsd" in capsys.readouterr().err
    assert out.read_bytes() == b"%PDF good one"  # a good file is never replaced on failure


def test_property_changes_read_as_the_stage_sections_say_values(catalog):
    """The section repeated the diff's line for a property, its id and the number unformatted:
    'Watch events: events_per_day 4800000000 events/day -> unset' where the stage sections of
    the same report say 'Events 4,800,000,000 events/day'."""
    old = recommender_design(catalog)
    new = fresh(old)
    source = next(c for c in new.components if c.kind == "data_source")
    ops.set_property(new, catalog, source.id, "events_per_day", 4_800_000_000)
    section = since_section(old, new, "old.mlsd", catalog)
    text = flat(" ".join(page_texts(report_bytes(new, catalog=catalog, after_summary=[section]))))
    assert f"{source.name}: Events " in text and "4,800,000,000 events/day" in text
    assert "events_per_day" not in text and "4800000000" not in text


def test_a_changed_list_of_goals_names_the_items_added_and_removed(catalog):
    """Goals, non-goals and assumptions changed were printed as both lists in brackets, items
    joined by commas that the items hold themselves: '[Grow watch time ..., with 7-day
    retention flat or better, Retrieval recall@500 ...] -> [...]'."""
    old = recommender_design(catalog)
    old.meta.goals = ["p99 under 200 ms, at 20k QPS", "Cost under $120k/month"]
    new = fresh(old)
    new.meta.goals = ["p99 under 200 ms, at 20k QPS", "Retrain daily"]
    section = since_section(old, new, "old.mlsd", catalog)
    text = flat(" ".join(page_texts(report_bytes(new, catalog=catalog, after_summary=[section]))))
    assert "Design goals: added \u201cRetrain daily\u201d; removed \u201cCost under $120k/month\u201d" in text


def test_a_property_change_never_reads_as_the_same_value_on_both_sides(catalog):
    """Rounded as the stage sections round, 12,345.678 -> 12,345.71 read 'P99 latency 12,345.7 ms
    -> 12,345.7 ms', and a 16-digit count '1.23457e+15 -> 1.23457e+15'."""
    old = recommender_design(catalog)
    source = next(c for c in old.components if c.kind == "data_source")
    ops.set_property(old, catalog, "ranker", "p99_latency_ms", 12345.678)
    ops.set_property(old, catalog, source.id, "events_per_day", 1234567890123456)
    new = fresh(old)
    ops.set_property(new, catalog, "ranker", "p99_latency_ms", 12345.71)
    ops.set_property(new, catalog, source.id, "events_per_day", 1234568000000000)
    section = since_section(old, new, "old.mlsd", catalog)
    text = flat(" ".join(page_texts(report_bytes(new, catalog=catalog, after_summary=[section]))))
    assert "12345.678 ms -> 12345.71 ms" in text
    assert "1.234567890123456e+15 events/day -> 1.234568e+15 events/day" in text


def test_a_goal_listed_twice_and_kept_once_reads_as_removed_once(catalog):
    """'Design goals: the same items, reordered' was said of a list that lost a repeated goal."""
    old = recommender_design(catalog)
    old.meta.goals = ["Retrain daily", "Cost under $120k/month", "Retrain daily"]
    new = fresh(old)
    new.meta.goals = ["Retrain daily", "Cost under $120k/month"]
    section = since_section(old, new, "old.mlsd", catalog)
    text = flat(" ".join(page_texts(report_bytes(new, catalog=catalog, after_summary=[section]))))
    assert "Design goals: removed \u201cRetrain daily\u201d" in text
    assert "reordered" not in text
