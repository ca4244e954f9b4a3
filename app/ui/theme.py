"""Light and dark palettes on the Fusion style, following the system unless overridden.

The View > Theme menu picks "system", "light" or "dark"; the choice is kept in Settings.
"System" follows QStyleHints.colorScheme() and its colorSchemeChanged signal (Qt 6.5+).
Widgets that paint their own colours (coverage pills, severity badges) read `is_dark()` and
the application palette at paint time, and repaint on `ThemeManager.changed`.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPainter, QPalette, QPen
from PySide6.QtWidgets import QApplication, QProxyStyle, QStyle, QStyleFactory, QStyleOption, QWidget

from app.ui.settings import THEMES, Settings

SEVERITY_COLORS = {
    "error": "#D64545",
    "warning": "#D99A1E",
    "info": "#3F86D0",
    "accepted": "#4E9A5B",
}


def _palette(colors: dict[str, str], disabled_text: str) -> QPalette:
    pal = QPalette()
    roles = {
        "window": QPalette.ColorRole.Window,
        "window_text": QPalette.ColorRole.WindowText,
        "base": QPalette.ColorRole.Base,
        "alternate": QPalette.ColorRole.AlternateBase,
        "tooltip_base": QPalette.ColorRole.ToolTipBase,
        "tooltip_text": QPalette.ColorRole.ToolTipText,
        "placeholder": QPalette.ColorRole.PlaceholderText,
        "text": QPalette.ColorRole.Text,
        "button": QPalette.ColorRole.Button,
        "button_text": QPalette.ColorRole.ButtonText,
        "bright_text": QPalette.ColorRole.BrightText,
        "light": QPalette.ColorRole.Light,
        "midlight": QPalette.ColorRole.Midlight,
        "mid": QPalette.ColorRole.Mid,
        "dark": QPalette.ColorRole.Dark,
        "shadow": QPalette.ColorRole.Shadow,
        "highlight": QPalette.ColorRole.Highlight,
        "highlighted_text": QPalette.ColorRole.HighlightedText,
        "link": QPalette.ColorRole.Link,
    }
    for key, role in roles.items():
        pal.setColor(role, QColor(colors[key]))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        pal.setColor(QPalette.ColorGroup.Disabled, role, QColor(disabled_text))
    pal.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Highlight, QColor(colors["mid"]))
    return pal


def light_palette() -> QPalette:
    return _palette(
        {
            "window": "#F3F4F6",
            "window_text": "#1F2328",
            "base": "#FFFFFF",
            "alternate": "#F6F7F9",
            "tooltip_base": "#FFFFF4",
            "tooltip_text": "#1F2328",
            "placeholder": "#8A9099",
            "text": "#1F2328",
            "button": "#ECEEF1",
            "button_text": "#1F2328",
            "bright_text": "#FFFFFF",
            "light": "#FFFFFF",
            "midlight": "#E4E7EB",
            "mid": "#B8BEC6",
            "dark": "#8E959E",
            "shadow": "#5A6068",
            "highlight": "#2F6FD0",
            "highlighted_text": "#FFFFFF",
            "link": "#2160C4",
        },
        disabled_text="#A0A6AE",
    )


def dark_palette() -> QPalette:
    return _palette(
        {
            "window": "#24272C",
            "window_text": "#E4E6EA",
            "base": "#1B1D21",
            "alternate": "#23262B",
            "tooltip_base": "#2E3238",
            "tooltip_text": "#E4E6EA",
            "placeholder": "#7D848E",
            "text": "#E4E6EA",
            "button": "#2E3238",
            "button_text": "#E4E6EA",
            "bright_text": "#FFFFFF",
            "light": "#3A3F46",
            "midlight": "#33373D",
            "mid": "#4A5058",
            "dark": "#15171A",
            "shadow": "#0B0C0E",
            "highlight": "#3D7EDB",
            "highlighted_text": "#FFFFFF",
            "link": "#7FB0F5",
        },
        disabled_text="#6C727B",
    )


def system_prefers_dark() -> bool:
    hints = QGuiApplication.styleHints()
    return hints is not None and hints.colorScheme() == Qt.ColorScheme.Dark


def is_dark() -> bool:
    """Whether the application currently shows the dark palette."""
    app = QApplication.instance()
    if app is None:
        return False
    return QApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128


def tooltip_html(text: str, title: str | None = None) -> str:
    """Plain user or catalog text as a tooltip: escaped (never read as markup) and word-wrapped."""
    body = html.escape(text or "").replace("\n", "<br>")
    head = f"<b>{html.escape(title)}</b><br>" if title else ""
    return f"<p style='white-space:pre-wrap'>{head}{body}</p>" if head or body else ""


def muted_text_color() -> QColor:
    pal = QApplication.palette()
    return QColor("#9AA1AB") if is_dark() else QColor(pal.color(QPalette.ColorRole.PlaceholderText))


INDICATOR_EDGE_DARK = "#8A929C"  # the rim of check boxes and radio buttons on the dark palette


class ReadableStyle(QProxyStyle):
    """Fusion, with check boxes and radio buttons that stay visible on the dark palette.

    Fusion outlines an indicator with the window colour darkened, which on a dark window is
    near-black on a near-black base: an unchecked box (Show moves, Pinned, the components a
    decision concerns) disappears. On the dark palette the rim is drawn again in a light grey.
    """

    def __init__(self) -> None:
        super().__init__(QStyleFactory.create("Fusion"))

    def name(self) -> str:
        return "fusion"

    def drawPrimitive(
        self,
        element: QStyle.PrimitiveElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        super().drawPrimitive(element, option, painter, widget)
        round_ = element == QStyle.PrimitiveElement.PE_IndicatorRadioButton
        if not round_ and element != QStyle.PrimitiveElement.PE_IndicatorCheckBox:
            return
        if option.palette.color(QPalette.ColorRole.Window).lightness() >= 128:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, round_)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(QColor(INDICATOR_EDGE_DARK), 1))
        rect = option.rect.adjusted(0, 0, -1, -1)
        if round_:
            painter.drawEllipse(rect.adjusted(1, 1, -1, -1))
        else:
            painter.drawRect(rect)
        painter.restore()


class ThemeManager(QObject):
    """Applies the chosen theme to the application; one per QApplication."""

    changed = Signal(bool)  # dark?

    _instance: ThemeManager | None = None

    def __init__(self, app: QApplication, mode: str | None = None):
        super().__init__(app)
        self.app = app
        self._mode = mode if mode in THEMES else Settings().theme()
        hints = QGuiApplication.styleHints()
        if hints is not None:
            hints.colorSchemeChanged.connect(self._system_changed)
        self.apply()

    @classmethod
    def instance(cls) -> ThemeManager:
        """The manager of the running application (created, and the theme applied, on first use)."""
        app = QApplication.instance()
        if app is None:
            raise RuntimeError("ThemeManager needs a QApplication")
        current = cls._instance
        try:
            if current is not None and current.app is app:
                return current
        except RuntimeError:  # the previous application was destroyed
            pass
        cls._instance = ThemeManager(app)  # type: ignore[arg-type]
        return cls._instance

    @property
    def mode(self) -> str:
        return self._mode

    def set_mode(self, mode: str) -> None:
        if mode not in THEMES:
            raise ValueError(f"unknown theme {mode!r}")
        self._mode = mode
        Settings().set_theme(mode)
        self.apply()

    def dark(self) -> bool:
        if self._mode == "system":
            return system_prefers_dark()
        return self._mode == "dark"

    def apply(self) -> None:
        if not isinstance(self.app.style(), ReadableStyle):
            self._style = ReadableStyle()  # kept referenced: the application does not own it in Python
            self.app.setStyle(self._style)
        dark = self.dark()
        self.app.setPalette(dark_palette() if dark else light_palette())
        self.changed.emit(dark)

    def _system_changed(self, _scheme: Qt.ColorScheme) -> None:
        if self._mode == "system":
            self.apply()
