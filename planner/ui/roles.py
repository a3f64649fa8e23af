"""Every custom item-data role of the window's models, one value per meaning.

A view, a proxy or a test asks any model for these and gets the same kind of answer:
ROW_ROLE the row's object, SORT_ROLE what the column sorts on, VALUE_ROLE a cell's native
value, MODEL_ID_ROLE the catalog id a choice stands for. Constants only: cheap to import."""

from __future__ import annotations

from PySide6.QtCore import Qt

_USER = Qt.ItemDataRole.UserRole

#: The row's object (a ModelPrice, a plan Line, a compare row, a flat multiplier).
ROW_ROLE = _USER + 1
#: The native value a column sorts on (float, str; None sorts last).
SORT_ROLE = _USER + 2
#: A cell's native value (Decimal, str, None) for tests, copies and exports.
VALUE_ROLE = _USER + 3
#: The catalog id of the model an item of a model chooser stands for.
MODEL_ID_ROLE = _USER + 4

ALL = (ROW_ROLE, SORT_ROLE, VALUE_ROLE, MODEL_ID_ROLE)
