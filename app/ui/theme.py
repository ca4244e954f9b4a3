"""Light and dark palettes on the Fusion style, following the system unless overridden.

The View > Theme menu picks "system", "light" or "dark"; the choice is kept in Settings.
"System" follows QStyleHints.colorScheme() and its colorSchemeChanged signal (Qt 6.5+).
Widgets that paint their own colours (coverage pills, severity badges) read `is_dark()` and
the application palette at paint time, and repaint on `ThemeManager.changed`.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QObject, QRectF, Qt, Signal
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


def indicator_border(palette: QPalette) -> QColor:
    """The outline of check boxes and radio buttons: at least 3:1 against the field behind it.

    Fusion outlines them with a shade of the window colour, invisible on a dark window.
    """
    dark = palette.color(QPalette.ColorRole.Window).lightness() < 128
    return QColor("#9AA1AB") if dark else QColor("#6B727C")


_INDICATORS = (
    QStyle.PrimitiveElement.PE_IndicatorCheckBox,
    QStyle.PrimitiveElement.PE_IndicatorItemViewItemCheck,
    QStyle.PrimitiveElement.PE_IndicatorRadioButton,
)


class ThemedStyle(QProxyStyle):
    """Fusion, with check-box and radio indicators (widgets, menus, item views) outlined visibly."""

    def __init__(self) -> None:
        super().__init__(QStyleFactory.create("Fusion"))
        self.setObjectName("mlsd-fusion")

    def name(self) -> str:
        return "fusion"  # Fusion's look and metrics; only the indicators' outline is added

    def drawPrimitive(
        self,
        element: QStyle.PrimitiveElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        super().drawPrimitive(element, option, painter, widget)
        if element not in _INDICATORS:
            return
        radio = element == QStyle.PrimitiveElement.PE_IndicatorRadioButton
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        color = indicator_border(option.palette)
        if not option.state & QStyle.StateFlag.State_Enabled:
            color.setAlpha(140)
        painter.setPen(QPen(color, 1.0))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        side = min(option.rect.width(), option.rect.height()) - 1
        box = QRectF(option.rect.x() + 0.5, option.rect.y() + 0.5, side, side)
        box.moveCenter(QRectF(option.rect).center())
        if radio:
            painter.drawEllipse(box.adjusted(0.5, 0.5, -0.5, -0.5))
        else:
            painter.drawRoundedRect(box, 1.5, 1.5)
        painter.restore()


def contrast_ratio(a: QColor, b: QColor) -> float:
    """WCAG 2 contrast ratio of two colours (1 to 21)."""

    def luminance(color: QColor) -> float:
        def channel(value: float) -> float:
            return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

        red, green, blue = channel(color.redF()), channel(color.greenF()), channel(color.blueF())
        return 0.2126 * red + 0.7152 * green + 0.0722 * blue

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


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
        if not isinstance(self.app.style(), ThemedStyle):
            self._style = ThemedStyle()  # kept referenced: the application does not own it in Python
            self.app.setStyle(self._style)
        dark = self.dark()
        self.app.setPalette(dark_palette() if dark else light_palette())
        self.changed.emit(dark)

    def _system_changed(self, _scheme: Qt.ColorScheme) -> None:
        if self._mode == "system":
            self.apply()
