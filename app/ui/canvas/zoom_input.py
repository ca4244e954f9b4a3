"""Which zoom the input asks for: Ctrl + wheel, a pinch, a native zoom gesture (touchpad).

Each function returns the factor to multiply the zoom by and the viewport point to keep
fixed, or None when the event asks for no zoom.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QPinchGesture, QWidget

WHEEL_BASE = 1.0015  # the zoom is multiplied by this per unit of wheel angle (1/8 degree)


def wheel_zoom(event: QWheelEvent) -> tuple[float, QPointF] | None:
    """Ctrl + wheel: the zoom step; None without Ctrl, or a wheel event that turned nothing."""
    delta = event.angleDelta().y() or event.pixelDelta().y()
    if not delta:
        return None
    return WHEEL_BASE**delta, event.position()


def gesture_zoom(event: QEvent, viewport: QWidget) -> tuple[float, QPointF] | None:
    """A pinch (Qt's gesture) or a native zoom gesture on the viewport."""
    kind = event.type()
    if kind == QEvent.Type.NativeGesture:
        if event.gestureType() == Qt.NativeGestureType.ZoomNativeGesture:
            return 1.0 + event.value(), event.position()
    elif kind == QEvent.Type.Gesture:
        pinch = event.gesture(Qt.GestureType.PinchGesture)
        if isinstance(pinch, QPinchGesture):
            center = viewport.mapFromGlobal(pinch.centerPoint().toPoint())
            return pinch.scaleFactor(), QPointF(center)
    return None
