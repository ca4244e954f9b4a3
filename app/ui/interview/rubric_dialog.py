"""The rubric dialog: the three dimensions scored 0-5 with their reasons, and the follow-up
questions; "Export report…" writes the PDF report with the rubric as its own section.

It is not modal, so the countdown's end can open it without blocking the window (and tests
can look at it offscreen). All text is escaped: reasons quote component names and KPIs.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.rules.rubric import DimensionScore, Rubric
from app.ui.theme import is_dark
from app.ui.window_placement import FRAME_ROOM

SCORE_COLORS = {"high": "#3F8F52", "mid": "#D99A1E", "low": "#D64545"}


def score_color(score: int) -> str:
    return SCORE_COLORS["high" if score >= 4 else "mid" if score >= 2 else "low"]


def _label(text: str, rich: bool = False, object_name: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if object_name:
        label.setObjectName(object_name)
    return label


class DimensionCard(QFrame):
    """One dimension: its name, the score as five pips and a number, and the reasons."""

    def __init__(self, dim: DimensionScore, parent: QWidget | None = None):
        super().__init__(parent)
        self.dimension = dim
        self.setObjectName("dimension_card")
        border = "#3A3F47" if is_dark() else "#D8DCE2"
        base = "#24272C" if is_dark() else "#FFFFFF"
        self.setStyleSheet(
            f"QFrame#dimension_card {{ background: {base}; border: 1px solid {border}; border-radius: 8px; }}"
        )
        color = score_color(dim.score)
        name = _label(dim.name)
        font = name.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.12)
        name.setFont(font)
        pips = "".join(f"<span style='color:{color if i < dim.score else border}'>●</span>" for i in range(5))
        self.score = _label(
            f"<span style='font-size:15pt; letter-spacing:2px'>{pips}</span>"
            f"&nbsp;&nbsp;<b style='font-size:13pt; color:{color}'>{dim.score}</b>"
            "<span style='color:gray'>&nbsp;/&nbsp;5</span>",
            rich=True,
            object_name="dimension_score",
        )
        self.score.setWordWrap(False)
        reasons = "".join(f"<li style='margin-bottom:2px'>{html.escape(r)}</li>" for r in dim.reasons)
        self.reasons = _label(f"<ul style='margin-left:-20px; -qt-list-indent:1;'>{reasons}</ul>", rich=True)
        head = QHBoxLayout()
        head.addWidget(name, 1)
        head.addWidget(self.score)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 6)
        layout.setSpacing(2)
        layout.addLayout(head)
        layout.addWidget(self.reasons)


class RubricDialog(QDialog):
    """Shows one Rubric; `export_requested` asks the owner to write the PDF report."""

    export_requested = Signal()

    def __init__(
        self,
        rubric: Rubric,
        context: Sequence[tuple[str, str]] = (),
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("rubric_dialog")
        self.setWindowTitle("Interview rubric")
        self.resize(760, 720)
        self.rubric = rubric = rubric.shown()  # long names shortened, as the report shows them
        self.context = list(context)
        maximum = 5 * len(rubric.dimensions)
        total = _label(
            f"<span style='font-size:20pt; font-weight:bold'>{rubric.total}</span>"
            f"<span style='font-size:13pt; color:gray'> / {maximum}</span>",
            rich=True,
            object_name="rubric_total",
        )
        total.setWordWrap(False)
        heading = _label("Interview rubric", object_name="rubric_heading")
        font = heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.45)
        heading.setFont(font)
        rows = "".join(
            f"<tr><td style='padding-right:10px; color:gray'>{html.escape(k)}</td>"
            f"<td>{html.escape(v)}</td></tr>"
            for k, v in self.context
        )
        info = _label(f"<table>{rows}</table>", rich=True, object_name="rubric_context")
        top = QHBoxLayout()
        titles = QVBoxLayout()
        titles.addWidget(heading)
        titles.addWidget(info)
        top.addLayout(titles, 1)
        top.addWidget(total, 0, Qt.AlignmentFlag.AlignTop)
        body = QWidget()
        self.body = body
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 6, 0)
        column.setSpacing(8)
        self.cards = [DimensionCard(dim) for dim in rubric.dimensions]
        for card in self.cards:
            column.addWidget(card)
        questions_heading = _label("Follow-up questions")
        qfont = questions_heading.font()
        qfont.setBold(True)
        qfont.setPointSizeF(qfont.pointSizeF() * 1.12)
        questions_heading.setFont(qfont)
        column.addSpacing(4)
        column.addWidget(questions_heading)
        if rubric.questions:
            items = "".join(f"<li style='margin-bottom:4px'>{html.escape(q)}</li>" for q in rubric.questions)
            text = f"<ol style='margin-left:-16px; -qt-list-indent:1;'>{items}</ol>"
        else:
            text = "The design leaves no follow-up question open."
        self.questions = _label(text, rich=True, object_name="rubric_questions")
        column.addWidget(self.questions)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll = scroll
        self.buttons = QDialogButtonBox()
        self.export_button: QPushButton = self.buttons.addButton(
            "Export report…", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.export_button.clicked.connect(self.export_requested)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.buttons)
        # Enter closes what was read (it opened the export's save dialog, the first button);
        # set once the button is in the dialog, or the dialog picks its first button itself.
        # The keyboard starts in the scores, where the arrows and Page Down scroll them.
        self.close_button.setDefault(True)
        scroll.setFocus()

    def fit_to_contents(self, width: int = 760, max_height: int = 900) -> None:
        """Resize to show everything without scrolling, up to `max_height`."""
        self.resize(width, 300)
        layout = self.layout()
        margins = layout.contentsMargins()
        inner = width - margins.left() - margins.right()
        body = self.body.layout().totalHeightForWidth(inner - 8)
        chrome = self.sizeHint().height() - self.scroll.sizeHint().height()
        self.resize(width, min(max_height, max(360, chrome + body + 8)))

    def dimension_names(self) -> list[str]:
        return [card.dimension.name for card in self.cards]


def open_rubric_dialog(
    parent: QWidget | None, rubric: Rubric, context: Sequence[tuple[str, str]] = ()
) -> RubricDialog:
    """Show the rubric without blocking the window; returns the dialog (tests look at it)."""
    dialog = RubricDialog(rubric, context, parent)
    # no taller than the room on its screen with a title bar: at 900 px, on a 1440 x 900
    # screen under a desktop's panel, its buttons were below the screen
    room = (parent or dialog).screen().availableGeometry().height() - FRAME_ROOM[1]
    dialog.fit_to_contents(max_height=min(900, room))
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog
