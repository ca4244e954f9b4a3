"""The report's builds: deciding on a tighter glossary after a build's draft pass (without
drawing it), and choosing it by laying the glossary out alone from where the draft reached it
(trials), give the very PDF that drawing every build gives, byte for byte."""

from __future__ import annotations

import functools
import itertools
from pathlib import Path

import pytest
from reportlab import rl_config
from reportlab.platypus.doctemplate import LayoutError

from app.domain.catalog import default_catalog
from app.export import report_bytes
from app.export.report import paragraph, passes, styles, template
from app.persistence import load_design
from app.rules.engine import check_design
from tests.export.pdfread import page_texts, reader

TEMPLATES = Path(__file__).resolve().parents[2] / "resources" / "templates"


# A template whose last page is near-empty with the loosest glossary once a last page holding
# less than NEAR_EMPTY points counts as near-empty (it tightens once: a trial of the draft's own
# glossary, then one of the tighter glossary); ad_ctr's is not.
TIGHTENS = "spam_filter.mlsd"
NEAR_EMPTY = 150.0


@pytest.fixture(autouse=True)
def _invariant(monkeypatch):
    """The same PDF bytes for the same document (no creation time, no random document id)."""
    monkeypatch.setattr(rl_config, "invariant", 1)
    monkeypatch.setattr(passes, "LAST_PAGE_MIN", NEAR_EMPTY)


def _pdf(name: str, monkeypatch) -> bytes:
    """The template's report, its headings' bookmarks named from 0 (as in a process of its own)."""
    monkeypatch.setattr(styles, "_heading_ids", itertools.count())
    catalog = default_catalog()
    design = load_design(TEMPLATES / name).design
    return report_bytes(design, check_design(design, catalog), catalog, report_date="2026-01-01")


@pytest.fixture
def builds(monkeypatch):
    """Counts the builds that are drawn, those abandoned after their draft pass, the trials
    (the glossary alone) and the passes over the whole story."""
    counts = {"drawn": 0, "abandoned": 0, "trials": 0}
    original = template.ReportDocTemplate.multiBuild
    build = template.ReportDocTemplate.build

    def counting(self, story, *args, **kwargs):
        passes_made = original(self, story, *args, **kwargs)
        trial = any(isinstance(f, template.Resume) for f in story)
        counts["trials" if trial else "drawn" if passes_made else "abandoned"] += 1
        return passes_made

    def counting_passes(self, story, *args, **kwargs):
        if not any(isinstance(f, template.Resume) for f in story):
            counts["passes"] = counts.get("passes", 0) + 1
        return build(self, story, *args, **kwargs)

    monkeypatch.setattr(template.ReportDocTemplate, "multiBuild", counting)
    monkeypatch.setattr(template.ReportDocTemplate, "build", counting_passes)
    return counts


def _reset(counts: dict[str, int]) -> None:
    counts.update(drawn=0, abandoned=0, trials=0, passes=0)


def _plain(monkeypatch) -> None:
    monkeypatch.setattr(passes, "build_pdf", functools.partial(passes.build_pdf, skip_drafts=False))


@pytest.mark.parametrize(
    ("name", "drawn", "abandoned", "trials"), [(TIGHTENS, 1, 1, 2), ("ad_ctr.mlsd", 1, 0, 0)]
)
def test_skipping_drafts_gives_the_same_pdf(name, drawn, abandoned, trials, builds, monkeypatch):
    _reset(builds)
    fast = _pdf(name, monkeypatch)
    # one draft and one drawing pass over the whole story: the tighter build is drawn at once
    assert builds == {"drawn": drawn, "abandoned": abandoned, "trials": trials, "passes": 2}
    _plain(monkeypatch)
    _reset(builds)
    plain = _pdf(name, monkeypatch)
    assert builds == {
        "drawn": drawn + abandoned,
        "abandoned": 0,
        "trials": 0,
        "passes": 2 * (drawn + abandoned),
    }
    assert fast == plain
    assert len(reader(fast).pages) <= 15
    assert any("Appendix B. Glossary of properties" in text for text in page_texts(fast))


def test_an_unconfirmed_draft_falls_back_to_drawing_every_build(builds, monkeypatch):
    """When the next build's draft reaches the glossary in another state than the abandoned
    one's, the decision is not trusted: the report is built again the plain way."""
    expected = _pdf(TIGHTENS, monkeypatch)
    counter = itertools.count()
    layout_state = template.ReportDocTemplate.layout_state
    monkeypatch.setattr(
        template.ReportDocTemplate, "layout_state", lambda self: (*layout_state(self), next(counter))
    )
    _reset(builds)
    assert _pdf(TIGHTENS, monkeypatch) == expected
    # the first build abandoned after its draft (no trial resumes its state exactly), the
    # second stopped by the refused confirmation, then both drawn
    assert builds == {"drawn": 2, "abandoned": 1, "trials": 1, "passes": 6}


def test_trials_choose_the_tightest_glossary_as_drawing_every_build_does(builds, monkeypatch):
    """With a last page counted near-empty below 700 points, every glossary but the tightest
    leaves one: the trials go down to it, and the PDF is the plain way's."""
    monkeypatch.setattr(passes, "LAST_PAGE_MIN", 700.0)
    _reset(builds)
    fast = _pdf("spam_filter.mlsd", monkeypatch)
    assert builds == {"drawn": 1, "abandoned": 1, "trials": 3, "passes": 2}
    _plain(monkeypatch)
    _reset(builds)
    assert _pdf("spam_filter.mlsd", monkeypatch) == fast
    assert builds["drawn"] == 3  # the plain way drew all three


def _tampered_trials(monkeypatch, which: int) -> None:
    """Trials whose `which`-th one (0: the check of the draft's own glossary) reports one page
    more than the glossary really takes."""
    real = passes._Builds.trial
    made = itertools.count()

    def trial(self, state, entries):
        found = real(self, state, entries)
        if found is not None and next(made) == which:
            found.page += 1
        return found

    monkeypatch.setattr(passes._Builds, "trial", trial)


def test_a_trial_that_does_not_reproduce_the_draft_is_not_trusted(builds, monkeypatch):
    """The check trial ends otherwise than the draft did: no trials then, the next build's
    draft confirms the abandoned one as before."""
    expected = _pdf(TIGHTENS, monkeypatch)
    _tampered_trials(monkeypatch, 0)
    _reset(builds)
    assert _pdf(TIGHTENS, monkeypatch) == expected
    assert builds == {"drawn": 1, "abandoned": 1, "trials": 1, "passes": 3}


def test_a_planned_build_that_ends_otherwise_falls_back_to_drawing_every_build(builds, monkeypatch):
    """The build the trials chose does not end as its trial said: the report is built the
    plain way, the same PDF."""
    expected = _pdf(TIGHTENS, monkeypatch)
    _tampered_trials(monkeypatch, 1)
    _reset(builds)
    assert _pdf(TIGHTENS, monkeypatch) == expected
    # the draft, the two trials, the planned build (drawn twice: the page count it was given
    # was wrong), then both builds drawn the plain way (two passes each)
    assert builds == {"drawn": 3, "abandoned": 1, "trials": 2, "passes": 7}


class _Forgetful(dict):
    def __setitem__(self, key, value) -> None:
        pass


def test_reused_paragraph_fragments_give_the_same_pdf(
    hostile, hostile_check, recommender, catalog, monkeypatch
):
    """Paragraph markup parsed once per (text, style) and copied: the same PDF as parsing every
    paragraph, for hostile names (markup, entities, long words) and names in six scripts."""
    mixed = recommender.model_copy(deep=True)
    for i, component in enumerate(mixed.components):
        component.name = (
            f"{('نموذج', 'מודל', '推荐', 'モデル', '모델', '🚀')[i % 6]} {component.name} & <b>x</b>"
        )

    def both(design, result) -> tuple[bytes, bytes]:
        monkeypatch.setattr(styles, "_heading_ids", itertools.count())
        reused = report_bytes(design, result, catalog, report_date="2026-01-01")
        with monkeypatch.context() as plain:
            plain.setattr(paragraph, "_parsed", _Forgetful())  # every paragraph parsed anew
            plain.setattr(styles, "_heading_ids", itertools.count())
            parsed = report_bytes(design, result, catalog, report_date="2026-01-01")
        return reused, parsed

    for design, result in ((hostile, hostile_check), (mixed, check_design(mixed, catalog))):
        reused, parsed = both(design, result)
        assert reused == parsed
    assert paragraph._parsed  # fragments were kept


def test_the_contents_are_laid_out_from_the_first_pass(builds, recommender, catalog, monkeypatch):
    """The contents' lines are set before the first pass (only their page numbers unknown), so
    the first pass lays the pages out as the last: a draft and a drawing pass, even where a
    one-line placeholder would have moved every page after the contents (long names in six
    scripts make the summary run on); and they are the lines the contents end up listing."""
    mixed = recommender.model_copy(deep=True)
    scripts = ("نموذج التوصية", "מודל דירוג", "推荐模型", "推薦モデル", "추천 모델", "🚀")
    for i, component in enumerate(mixed.components):
        component.name = f"{scripts[i % 6]} {component.name}"
    seeded: list[list[tuple]] = []  # what the contents hold at the start of each pass
    listed: list[list[tuple]] = []  # and at the end of the last one
    build = template.ReportDocTemplate.build

    def keeping(self, story, *args, **kwargs):
        tocs = [f for f in self._indexingFlowables if hasattr(f, "_lastEntries")]
        if tocs:
            seeded.append(list(tocs[0]._lastEntries))
        build(self, story, *args, **kwargs)
        if tocs:
            listed[:] = [list(tocs[0]._entries)]

    _reset(builds)
    monkeypatch.setattr(passes, "LAST_PAGE_MIN", 0.0)  # no tighter glossary: its heading moves
    monkeypatch.setattr(template.ReportDocTemplate, "build", keeping)
    monkeypatch.setattr(styles, "_heading_ids", itertools.count())
    pdf = report_bytes(mixed, check_design(mixed, catalog), catalog, report_date="2026-01-01")
    assert builds["drawn"] == 1 and builds["passes"] == 2  # a draft and a drawing pass
    assert len(seeded) == 2 and len(listed) == 1
    # the same lines (the glossary's heading is another one when a tighter glossary was chosen)
    assert [entry[:2] for entry in seeded[0]] == [entry[:2] for entry in listed[0]]
    assert all(page == 0 for _level, _text, page, _key in seeded[0])
    assert all(page >= 2 for _level, _text, page, _key in listed[0])
    assert seeded[1] == listed[0]  # the drawing pass lists the pages the draft found
    assert any("Appendix B. Glossary of properties" in text for text in page_texts(pdf))


def test_draft_passes_draw_nothing_of_the_glossary_columns(monkeypatch):
    """The balanced columns of the glossary lay out in frames they make during the build: in
    a draft pass (or a trial) those frames lay out without drawing too, and the PDF is the
    same as when they drew."""
    from reportlab.platypus.flowables import KeepInFrame

    drawn = {"draft": 0, "drawn": 0}
    draw_on = KeepInFrame.drawOn

    def counting(self, canv, *args, **kwargs):
        drawn["draft" if canv._doctemplate.draft else "drawn"] += 1
        return draw_on(self, canv, *args, **kwargs)

    expected = _pdf(TIGHTENS, monkeypatch)
    monkeypatch.setattr(KeepInFrame, "drawOn", counting)
    assert _pdf(TIGHTENS, monkeypatch) == expected
    assert drawn["draft"] == 0 and drawn["drawn"] > 0
    with monkeypatch.context() as drawing:
        drawing.setattr(template.ReportDocTemplate, "handle_flowable", _drawing_columns_in_drafts)
        assert _pdf(TIGHTENS, monkeypatch) == expected
    assert drawn["draft"] > 0  # the columns were drawn in the drafts this time: the same PDF


def _drawing_columns_in_drafts(self, flowables):
    """handle_flowable as it was: frames made during the build draw in a draft pass too."""
    marks = self.marks
    first = flowables[0] if flowables else None
    if isinstance(first, template.LayoutMark) and id(first) not in marks:
        contents = [list(getattr(f, "_entries", ())) for f in self._indexingFlowables]
        marks[id(first)] = (self.layout_state(), contents)
    template.BaseDocTemplate.handle_flowable(self, flowables)


def test_a_build_chosen_by_trials_reports_its_drawing_as_the_second_pass(monkeypatch):
    """In a job, the drawing pass of the build the trials chose counts as the draft's next
    pass: the progress bar goes on from the draft's half to the end (not back to its start)."""
    from app import progress

    job = progress.Progress()
    passes_seen: list[str] = []
    update = job.update

    def recording(fraction, text=None):
        if text and text not in passes_seen:
            passes_seen.append(text)
        update(fraction, text)

    monkeypatch.setattr(job, "update", recording)
    with progress.running(job):
        pdf = _pdf(TIGHTENS, monkeypatch)
    assert pdf.startswith(b"%PDF")
    assert "Laying out pages (pass 1)" in passes_seen and "Laying out pages (pass 2)" in passes_seen
    assert job.fraction > 0.9


def test_a_failing_trial_leaves_the_decision_to_the_builds(builds, monkeypatch):
    """A trial that raises (reportlab cannot lay the glossary out there) is no trial: the next
    build's draft confirms the abandoned one as before, and the PDF is the same."""
    expected = _pdf(TIGHTENS, monkeypatch)
    real = template.ReportDocTemplate.multiBuild

    def failing(self, story, *args, **kwargs):
        if any(isinstance(f, template.Resume) for f in story):
            raise LayoutError("no room")
        return real(self, story, *args, **kwargs)

    monkeypatch.setattr(template.ReportDocTemplate, "multiBuild", failing)
    assert _pdf(TIGHTENS, monkeypatch) == expected
