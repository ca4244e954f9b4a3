"""Fixtures of the reliability suite: window tests reuse the dialog fakes and window factory
of tests/ui."""

from tests.ui.conftest import _collect_on_the_window_thread, design_file, fake_dialogs, windows  # noqa: F401
