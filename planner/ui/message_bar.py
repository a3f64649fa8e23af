"""The message bar: one line above a table that says what went wrong, until it no longer applies.

A refused edit, a line that cannot be costed, a selection that cannot be compared: the bar
shows it (plain text: a name from a file is shown as typed) with its severity, and is cleared
by its owner when the next edit succeeds or the thing it names goes away; the user may close
it. It does not time out: a message read late is still true while it is shown."""

from __future__ import annotations

from enum import Enum
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget

from planner.ui.style import Tone, colour, surface

#: the subject of a message about an edit or action that was refused (cleared by the next good one)
EDIT_REFUSED = "edit refused"


class Severity(Enum):
    ERROR = Tone.NEGATIVE
    WARNING = Tone.WARNING
    INFO = Tone.INFO


class MessageBar(QFrame):

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("MessageBar")
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QToolButton()
        close.setText("×")
        close.setToolTip("Close this message")
        close.setAutoRaise(True)
        close.clicked.connect(lambda: self.clear())
        lay = QHBoxLayout(self)
        lay.setContentsMargins(8, 2, 2, 2)
        lay.addWidget(self.label, 1)
        lay.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self.severity: Severity | None = None
        #: what the message is about (a key its owner chooses), None once cleared
        self.subject: Any = None
        self.hide()

    def text(self) -> str:
        """The message shown ('' when none)."""
        return "" if self.isHidden() else self.label.text()

    def show_message(self, text: str, severity: Severity = Severity.ERROR, subject: Any = "") -> None:
        self.severity, self.subject = severity, subject
        self.label.setText(text)
        self._restyle()
        self.show()

    def clear(self, subject: Any = None) -> None:
        """Hide the message (only if it is about `subject`, when given)."""
        if subject is not None and subject != self.subject:
            return
        self.severity, self.subject = None, None
        self.label.clear()
        self.hide()

    def _restyle(self) -> None:
        tone = self.severity.value if self.severity is not None else Tone.INFO
        self.setStyleSheet(
            f"#MessageBar {{ background: {surface(tone).name()}; border: 1px solid {colour(tone).name()};"
            " border-radius: 3px; }"
        )
