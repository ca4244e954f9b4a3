"""`mlsd --screenshot OUT.png --interview TEMPLATE [--rubric-screenshot RUBRIC.png]`.

Renders the window in interview mode for the README: the template's problem, a design
partly built from the template's own components (the first ~40% in stage order, at most
60% of any one stage, so some stages are lit and some are not), and the countdown frozen
at 27:41. With --rubric-screenshot, the rubric dialog of that design is grabbed as well.
"""

from __future__ import annotations

import math
import sys

from PySide6.QtWidgets import QApplication

from app.domain.catalog import Catalog
from app.domain.model import Component, Design, Link
from app.persistence import DesignLoadError, load_design
from app.templates import find_template
from app.ui.interview.session import InterviewSetup
from app.ui.main_window import MainWindow
from app.ui.picture_file import save_picture

WINDOW_SIZE = (1600, 1000)
RUBRIC_WIDTH = 760
SHOWN_REMAINING = 27 * 60 + 41  # the countdown in the picture: 27:41


def partial_components(
    design: Design, catalog: Catalog, fraction: float = 0.4, per_stage: float = 0.6
) -> tuple[list[Component], list[Link]]:
    """The first `fraction` of the components in stage order, at most `per_stage` of each
    stage, and the links among them."""
    order = {s.id: i for i, s in enumerate(catalog.stages)}
    by_stage: dict[str, list[Component]] = {}
    for component in design.components:
        stage = catalog.stage_of(component.kind)
        if stage is not None:
            by_stage.setdefault(stage, []).append(component)
    budget = math.ceil(len(design.components) * fraction)
    chosen: list[Component] = []
    for stage in sorted(by_stage, key=order.__getitem__):
        members = by_stage[stage]
        take = min(math.ceil(len(members) * per_stage), budget - len(chosen))
        if take <= 0:
            break
        chosen.extend(members[:take])
    ids = {c.id for c in chosen}
    links = [lk for lk in design.links if lk.source in ids and lk.target in ids]
    return chosen, links


def _settle(app: QApplication, rounds: int = 6) -> None:
    for _ in range(rounds):
        app.processEvents()


def interview_screenshot(
    app: QApplication, template_name: str, out: str, rubric_out: str | None = None
) -> int:
    """Write the interview-mode picture (and the rubric's); returns the exit status."""
    try:
        template = find_template(template_name)
        source = load_design(template.path).design
    except (LookupError, DesignLoadError) as exc:
        print(f"mlsd-studio: {exc}", file=sys.stderr)
        return 2
    window = MainWindow(restore_layout=False)
    window.persist_settings = False
    now = [0.0]
    controller = window.interview
    controller.clock = lambda: now[0]
    controller.tick_ms = 60_000
    try:
        setup = InterviewSetup(template.problem, template.title, 45, template=template.name)
        session = controller.begin(setup)
        components, links = partial_components(source, window.document.catalog)
        window.document.add_items(components, links, "Build the design")
        now[0] = session.duration - SHOWN_REMAINING
        session.poll()
        window.resize(*WINDOW_SIZE)
        window.show()
        _settle(app)
        window.balance_docks()
        controller.balance_docks()
        _settle(app)
        window.canvas.text_refiner.enabled = False  # one picture: every card in full (text_refine)
        window.canvas.fit_to_view()
        window.checker.check_now()
        _settle(app)
        problem = save_picture(window.grab().toImage(), out)
        if problem:
            print(f"mlsd-studio: {problem}", file=sys.stderr)
            return 2
        if rubric_out:
            dialog = controller.score_now()
            dialog.fit_to_contents(RUBRIC_WIDTH)
            _settle(app)
            problem = save_picture(dialog.grab().toImage(), rubric_out)
            dialog.close()
            if problem:
                print(f"mlsd-studio: {problem}", file=sys.stderr)
                return 2
        return 0
    finally:
        window.document.mark_saved()
        window.close()
