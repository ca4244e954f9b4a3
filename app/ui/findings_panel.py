"""The findings dock: live rule results grouped by severity (or stage), with decisions.

Fed by LiveChecker.result_ready. Accepted findings are listed apart with their rationale;
"Accept…" asks for a rationale and records a decision (undoable); rules can be raised,
lowered or switched off for this design from the context menu.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QStackedWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.catalog import STAGE_IDS
from app.domain.model import OVERRIDE_LEVELS
from app.domain.text import isolate
from app.rules import get_rule
from app.rules.engine import CheckResult
from app.rules.model import OTHER_STAGE_LABELS, RULE_STAGES, Finding
from app.ui import dialogs
from app.ui.coverage_strip import CoverageStrip
from app.ui.document import DesignDocument
from app.ui.findings_view import DETAIL_ROLE, FINDING_ROLE, GROUP_ROLE, FindingTree, severity_icon
from app.ui.live_check import LiveChecker
from app.ui.theme import SEVERITY_COLORS, tooltip_html
from app.ui.todo import TODO_COLOR, counts, is_todo, todo_icon

SEVERITY_GROUPS = (("error", "Errors"), ("warning", "Warnings"), ("info", "Info"))
OTHER_STAGE_COLOR = "#9AA3AD"  # the structure and whole-design groups
DEFER_FINDINGS = 200  # results with this many findings are listed a turn after they arrive
OFF_ROLE = Qt.ItemDataRole.UserRole + 13
NO_BREAK_SPACE = "\u00a0"


def finding_key(finding: Finding) -> tuple:
    return finding.rule, frozenset(finding.components), finding.message


class FindingsPanel(QWidget):
    """Coverage strip, summary, findings tree and the Accept / Revoke buttons."""

    components_activated = Signal(list)
    message = Signal(str)

    def __init__(
        self,
        document: DesignDocument,
        checker: LiveChecker | None = None,
        parent: QWidget | None = None,
        group_by: str = "severity",
    ):
        super().__init__(parent)
        self.document = document
        self.result: CheckResult | None = None
        self._collapsed: set[str] = set()
        self.coverage = CoverageStrip(document.catalog, self)
        self.summary = QLabel("Not checked yet")
        self.summary.setObjectName("findings_summary")
        self.summary.setWordWrap(True)  # its one line does not set the right column's width
        self.group_combo = QComboBox()
        self.group_combo.addItem("By severity", "severity")
        self.group_combo.addItem("By stage", "stage")
        self.group_combo.setCurrentIndex(max(self.group_combo.findData(group_by), 0))
        self.group_combo.setToolTip("Group the findings by severity or by stage")
        self.tree = FindingTree(self)
        self.empty = QLabel("No findings: every rule passes.")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet("color: palette(placeholder-text); padding: 24px;")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.tree)
        self.stack.addWidget(self.empty)
        self.accept_button = QPushButton("Accept…")
        self.accept_button.setToolTip(tooltip_html("Record a decision: why this finding is acceptable."))
        self.revoke_button = QPushButton("Revoke decision")
        head = QHBoxLayout()
        head.addWidget(self.summary, 1)
        head.addWidget(self.group_combo)
        buttons = QHBoxLayout()
        buttons.addWidget(self.accept_button)
        buttons.addWidget(self.revoke_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)
        layout.addWidget(self.coverage)
        layout.addLayout(head)
        layout.addWidget(self.stack, 1)
        layout.addLayout(buttons)

        self.group_combo.currentIndexChanged.connect(self._regroup)
        self.tree.itemClicked.connect(self._item_clicked)
        self.tree.itemActivated.connect(self._item_clicked)
        self.tree.itemSelectionChanged.connect(self._update_buttons)
        self.tree.itemCollapsed.connect(self._remember_collapsed)
        self.tree.itemExpanded.connect(self._remember_collapsed)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        self.accept_button.clicked.connect(self.accept_selected)
        self.revoke_button.clicked.connect(self.revoke_selected)
        self.coverage.components_activated.connect(self.components_activated)
        self._next_result: CheckResult | None = None  # a large result, listed on the next turn
        if checker is not None:
            checker.result_ready.connect(self._result_ready)
            if checker.result is not None:
                self.set_result(checker.result)
        self._update_buttons()

    # ---- content ------------------------------------------------------------------------

    def group_by(self) -> str:
        return self.group_combo.currentData()

    def set_group_by(self, mode: str) -> None:
        self.group_combo.setCurrentIndex(max(self.group_combo.findData(mode), 0))

    def _result_ready(self, result: CheckResult) -> None:
        """A large result (hundreds of findings: their rows, then their layout) is listed on the
        next turn of the event loop, apart from the canvas's badges and the status line, which
        the same result updates in this turn; a later result replaces one still waiting."""
        if len(result.findings) < DEFER_FINDINGS:
            self._next_result = None
            self.set_result(result)
            return
        if self._next_result is None:
            QTimer.singleShot(0, self, self._list_next_result)
        self._next_result = result

    def _list_next_result(self) -> None:
        result, self._next_result = self._next_result, None
        if result is not None:
            self.set_result(result)

    def set_result(self, result: CheckResult) -> None:
        self.result = result
        names = {c.id: c.name or c.id for c in self.document.design.components}
        self.coverage.set_result(result, names)
        numbers = counts(result, self.document.design)
        parts = [f"{numbers['todo']} to do"] if numbers["todo"] else []
        parts += [
            f"{numbers['error']} error{'s' if numbers['error'] != 1 else ''}",
            f"{numbers['warning']} warning{'s' if numbers['warning'] != 1 else ''}",
            f"{numbers['info']} info",
            f"{numbers['accepted']} accepted",
        ]
        # A narrow dock wraps the line between its parts, never between a count and its word
        # ("0" at the end of a line, "accepted" alone on the next).
        self.summary.setText(" · ".join(part.replace(" ", NO_BREAK_SPACE) for part in parts))
        self._rebuild()

    def _rebuild(self) -> None:
        selected = self.selected_finding()
        keep = finding_key(selected) if selected else None
        self.tree.setUpdatesEnabled(False)
        self.tree.clear()
        result = self.result
        names = {c.id: c.name or c.id for c in self.document.design.components}
        groups = self._groups(result) if result else []
        for key, title, color, findings in groups:
            group = QTreeWidgetItem(self.tree)
            group.setData(0, GROUP_ROLE, (key, title, len(findings), color))
            group.setData(0, Qt.ItemDataRole.DisplayRole, title)
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            for finding in findings:
                item = self._finding_item(group, finding, names)
                if keep is not None and finding_key(finding) == keep:
                    self.tree.setCurrentItem(item)
            group.setExpanded(key not in self._collapsed)
        if result is not None:
            self._add_off_rules(result)
        self.tree.setUpdatesEnabled(True)
        self.stack.setCurrentWidget(self.tree if self.tree.topLevelItemCount() else self.empty)
        self._update_buttons()

    def _groups(self, result: CheckResult) -> list[tuple[str, str, str, list[Finding]]]:
        design = self.document.design
        todo = [f for f in result.findings if is_todo(f, design)]
        open_findings = [f for f in result.findings if not f.accepted and not is_todo(f, design)]
        accepted = [f for f in result.findings if f.accepted]
        groups = []
        if todo:  # a new design's missing stages: a checklist first, not errors (app/ui/todo.py)
            groups.append(("todo", "To do", TODO_COLOR, todo))
        if self.group_by() == "stage":
            catalog = self.document.catalog
            for stage_id in RULE_STAGES:
                found = [f for f in open_findings if f.stage == stage_id]
                if stage_id in STAGE_IDS:
                    stage = catalog.stage(stage_id)
                    title, color = f"{stage.number}. {stage.label}", stage.color
                else:
                    title, color = OTHER_STAGE_LABELS[stage_id], OTHER_STAGE_COLOR
                if found:
                    groups.append((f"stage:{stage_id}", title, color, found))
        else:
            for severity, title in SEVERITY_GROUPS:
                found = [f for f in open_findings if f.severity == severity]
                if found:
                    groups.append((f"severity:{severity}", title, SEVERITY_COLORS[severity], found))
        if accepted:
            groups.append(("accepted", "Accepted", SEVERITY_COLORS["accepted"], accepted))
        return groups

    def _finding_item(
        self, group: QTreeWidgetItem, finding: Finding, names: dict[str, str]
    ) -> QTreeWidgetItem:
        item = QTreeWidgetItem(group)
        item.setData(0, FINDING_ROLE, finding)
        item.setData(0, Qt.ItemDataRole.DisplayRole, f"{finding.rule} {finding.message}")
        if group.data(0, GROUP_ROLE)[0] == "todo":
            item.setIcon(0, todo_icon())
        else:
            item.setIcon(0, severity_icon("accepted" if finding.accepted else finding.severity))
        components = [isolate(names.get(c, c)) for c in finding.components]  # each keeps its place
        if finding.accepted:
            detail = f"Accepted: {finding.rationale or ''}"
        else:
            detail = ", ".join(components)
            if finding.overridden:
                detail = f"{detail} · {finding.default_severity} → {finding.severity}".strip(" ·")
        item.setData(0, DETAIL_ROLE, detail)
        lines = [finding.message]
        if components:
            lines.append("Components: " + ", ".join(components))
        if finding.accepted and finding.rationale:
            lines.append("Rationale: " + finding.rationale)
        if finding.suggestion:
            lines.append("Suggestion: " + finding.suggestion)
        if finding.sources:
            lines.append("Sources: " + "; ".join(finding.sources))
        item.setToolTip(0, tooltip_html("\n\n".join(lines), f"{finding.rule} · {finding.title}"))
        return item

    def _add_off_rules(self, result: CheckResult) -> None:
        off = sorted(rule for rule, level in result.overrides_applied.items() if level == "off")
        if not off:
            return
        group = QTreeWidgetItem(self.tree)
        group.setData(0, GROUP_ROLE, ("off", "Switched off for this design", len(off), "#9AA3AD"))
        group.setFlags(Qt.ItemFlag.ItemIsEnabled)
        for rule_id in off:
            spec = get_rule(rule_id)
            item = QTreeWidgetItem(group)
            item.setData(0, OFF_ROLE, rule_id)
            item.setData(
                0,
                Qt.ItemDataRole.DisplayRole,
                f"{rule_id}  {spec.title if spec else ''} (right-click to switch it back on)",
            )
        group.setExpanded("off" not in self._collapsed)

    # ---- queries ------------------------------------------------------------------------

    def selected_finding(self) -> Finding | None:
        item = self.tree.currentItem()
        return item.data(0, FINDING_ROLE) if item is not None else None

    def finding_items(self) -> list[QTreeWidgetItem]:
        items = []
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            items += [
                group.child(j) for j in range(group.childCount()) if group.child(j).data(0, FINDING_ROLE)
            ]
        return items

    def group_titles(self) -> list[str]:
        return [
            self.tree.topLevelItem(i).data(0, GROUP_ROLE)[1] for i in range(self.tree.topLevelItemCount())
        ]

    def findings_in_group(self, key: str) -> list[Finding]:
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            if group.data(0, GROUP_ROLE)[0] == key:
                return [group.child(j).data(0, FINDING_ROLE) for j in range(group.childCount())]
        return []

    # ---- actions ------------------------------------------------------------------------

    def _item_clicked(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        finding: Finding | None = item.data(0, FINDING_ROLE)
        if finding is None:
            return
        ids = list(finding.components)
        links = self.document.design.link_by_id()
        for link_id in finding.links:
            link = links.get(link_id)
            if link is not None:
                ids += [c for c in (link.source, link.target) if c not in ids]
        if ids:
            self.components_activated.emit(ids)
        else:
            self.message.emit(f"{finding.rule} concerns the design as a whole, not one component")

    def accept_selected(self) -> None:
        finding = self.selected_finding()
        if finding is None or finding.accepted or finding.internal_error:
            return
        rationale = dialogs.ask_rationale(self, finding, get_rule(finding.rule))
        if not rationale:
            return
        self.document.accept_finding(finding.rule, finding.components, rationale, finding.subject)
        self._keep_keyboard_on_list()
        self.message.emit(f"Accepted {finding.rule}: recorded as a decision (Undo to revoke)")

    def revoke_selected(self) -> None:
        finding = self.selected_finding()
        if finding is not None and finding.accepted and finding.decision:
            self.document.remove_decision(finding.decision)
            self._keep_keyboard_on_list()
            self.message.emit(f"Revoked the decision on {finding.rule}")

    def _keep_keyboard_on_list(self) -> None:
        """The button just pressed goes disabled under the keyboard focus, which Qt then passed
        on to the dock's tab bar (or nowhere): it goes back to the findings, on the one acted on."""
        self.tree.setFocus(Qt.FocusReason.OtherFocusReason)

    def set_override(self, rule: str, level: str | None) -> None:
        self.document.set_rule_override(rule, level)
        shown = "default severity" if level is None else level
        self.message.emit(f"{rule} set to {shown} for this design")

    def _update_buttons(self) -> None:
        finding = self.selected_finding()
        self.accept_button.setEnabled(
            finding is not None and not finding.accepted and not finding.internal_error
        )
        self.revoke_button.setEnabled(finding is not None and finding.accepted and bool(finding.decision))

    def _regroup(self, _index: int) -> None:
        self._collapsed.clear()
        self._rebuild()

    def _remember_collapsed(self, item: QTreeWidgetItem) -> None:
        group = item.data(0, GROUP_ROLE)
        if group is None:
            return
        if item.isExpanded():
            self._collapsed.discard(group[0])
        else:
            self._collapsed.add(group[0])

    def _context_menu(self, pos: QPoint) -> None:
        item = self.tree.itemAt(pos)
        if item is None:
            return
        self.tree.setCurrentItem(item)
        menu = self.build_context_menu(item)
        if menu is not None and not menu.isEmpty():
            menu.exec(self.tree.viewport().mapToGlobal(pos))

    def build_context_menu(self, item: QTreeWidgetItem) -> QMenu | None:
        finding: Finding | None = item.data(0, FINDING_ROLE)
        rule_id = finding.rule if finding is not None else item.data(0, OFF_ROLE)
        if rule_id is None:
            return None
        menu = QMenu(self)
        if finding is not None:
            accept = menu.addAction("Accept…", self.accept_selected)
            accept.setEnabled(not finding.accepted and not finding.internal_error)
            revoke = menu.addAction("Revoke decision", self.revoke_selected)
            revoke.setEnabled(finding.accepted and bool(finding.decision))
            menu.addAction("Show on canvas", lambda: self._item_clicked(item))
            menu.addAction(
                "Copy message",
                lambda: QGuiApplication.clipboard().setText(
                    f"{finding.rule} {finding.title}: {finding.message}"
                ),
            )
            menu.addSeparator()
        self._add_override_menu(menu, rule_id, finding)
        return menu

    def _add_override_menu(self, menu: QMenu, rule_id: str, finding: Finding | None) -> None:
        spec = get_rule(rule_id)
        default = (
            spec.severity if spec else (finding.default_severity or finding.severity) if finding else None
        )
        current = self.document.design.rule_overrides.get(rule_id)
        sub = menu.addMenu(f"Severity of {rule_id} in this design")
        group = QActionGroup(sub)
        default_label = f"Default ({default})" if default else "Default"
        choices: list[tuple[str, str | None]] = [(default_label, None)]
        choices += [
            (level.capitalize() if level != "off" else "Off (hide the rule)", level)
            for level in OVERRIDE_LEVELS
        ]
        for label, level in choices:
            action = QAction(label, sub)
            action.setCheckable(True)
            action.setChecked(current == level)
            action.setData(level)
            group.addAction(action)
            sub.addAction(action)
            action.triggered.connect(self._override_slot(rule_id, level))

    def _override_slot(self, rule_id: str, level: str | None) -> Callable[[], None]:
        return lambda: self.set_override(rule_id, level)
