"""The window's questions and warnings: message boxes that show their text as plain text.

QMessageBox.question / warning guess whether a text is rich text, so a plan or model name
with markup ('<b>Team</b> plan') would be rendered, not shown. Every prompt goes through
here; tests replace `ask` and `tell`."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from planner.qt_runtime import APP_DISPLAY_NAME

Button = QMessageBox.StandardButton
Icon = QMessageBox.Icon


def message_box(parent: QWidget | None, text: str, icon: QMessageBox.Icon,
                buttons: Button = Button.Ok, default: Button = Button.NoButton) -> QMessageBox:
    box = QMessageBox(icon, APP_DISPLAY_NAME, text, buttons, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    if default != Button.NoButton:
        box.setDefaultButton(default)
    return box


def ask(parent: QWidget | None, text: str, buttons: Button, default: Button) -> Button:
    """A question with `buttons`; the one clicked (Escape: the box's escape button)."""
    return Button(message_box(parent, text, QMessageBox.Icon.Question, buttons, default).exec())


def tell(parent: QWidget | None, text: str, icon: QMessageBox.Icon = QMessageBox.Icon.Warning) -> None:
    """A warning (or another `icon`: Information, Critical) with OK."""
    message_box(parent, text, icon).exec()


def file_to_open(parent: QWidget | None, title: str, start: str, filters: str) -> str:
    """A file chosen in the system's Open dialog ("" when cancelled). The file dialog's
    classes load when it is first shown, not at start-up."""
    from PySide6.QtWidgets import QFileDialog

    return QFileDialog.getOpenFileName(parent, title, start, filters)[0]


def file_to_save(parent: QWidget | None, title: str, start: str, filters: str) -> str:
    """A file named in the system's Save dialog ("" when cancelled)."""
    from PySide6.QtWidgets import QFileDialog

    return QFileDialog.getSaveFileName(parent, title, start, filters)[0]
