"""Cell editors for the worksheet: a type-to-search model picker and fixed-choice combos."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    QStringListModel,
    Qt,
)
from PySide6.QtWidgets import QComboBox, QCompleter, QStyledItemDelegate, QWidget

from planner.domain.catalog import Catalog
from planner.domain.presets import CONTENT_SIZES
from planner.ui.roles import MODEL_ID_ROLE


class CatalogItems(QAbstractListModel):
    """'Name — provider (id)' entries sorted by name, each holding its model id. A list
    model over the catalog: nothing is built per model (a 3,600-model catalog would take
    30 ms of QStandardItems at start-up)."""

    def __init__(self, catalog: Catalog, parent=None) -> None:
        super().__init__(parent)
        models = sorted(catalog.models, key=lambda m: (m.name.lower(), m.id))
        self._ids = [m.id for m in models]
        self._labels = [f"{m.name} — {m.provider}  ({m.id})" for m in models]
        self._row_of = {mid: i for i, mid in enumerate(self._ids)}

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._ids)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        r = index.row()
        if not index.isValid() or not 0 <= r < len(self._ids):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self._labels[r]
        if role == MODEL_ID_ROLE:
            return self._ids[r]
        return None

    def row_of(self, model_id: str) -> int:
        return self._row_of.get(model_id, -1)


def catalog_items(catalog: Catalog) -> CatalogItems:
    return CatalogItems(catalog)


class ModelPicker(QComboBox):
    """An editable combo: typing filters the catalog by any part of name, provider or id."""

    def __init__(self, catalog: Catalog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMaxVisibleItems(20)
        # Long catalog names must not set the width (the popup shows them in full).
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(16)
        items = catalog_items(catalog)
        self.setModel(items)
        filt = QSortFilterProxyModel(self)
        filt.setSourceModel(items)
        filt.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        comp = QCompleter(filt, self)
        comp.setFilterMode(Qt.MatchFlag.MatchContains)
        comp.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        comp.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setCompleter(comp)

    def set_model_id(self, model_id: str) -> None:
        i = self.model().row_of(model_id)
        if i >= 0:
            self.setCurrentIndex(i)
        else:
            self.setEditText(model_id)

    def model_id(self) -> str:
        """The chosen id: the current item's, or whatever id the text names."""
        text = self.currentText().strip()
        i = self.findText(text, Qt.MatchFlag.MatchExactly)
        if i >= 0:
            return self.itemData(i, MODEL_ID_ROLE)
        if text.endswith(")") and "(" in text:
            return text[text.rfind("(") + 1 : -1]
        return text


class ModelDelegate(QStyledItemDelegate):
    """The worksheet's model column: a ModelPicker over the current catalog."""

    def __init__(self, catalog_getter, parent=None) -> None:
        super().__init__(parent)
        self._catalog = catalog_getter

    def createEditor(self, parent: QWidget, option, index: QModelIndex) -> QWidget:
        return ModelPicker(self._catalog(), parent)

    def setEditorData(self, editor: QWidget, index: QModelIndex) -> None:
        editor.set_model_id(index.data(Qt.ItemDataRole.EditRole))  # type: ignore[attr-defined]

    def setModelData(self, editor: QWidget, model, index: QModelIndex) -> None:
        model.setData(index, editor.model_id(), Qt.ItemDataRole.EditRole)  # type: ignore[attr-defined]


class ChoiceDelegate(QStyledItemDelegate):
    """A fixed list of (label, value) choices."""

    def __init__(self, choices: list[tuple[str, str]], parent=None) -> None:
        super().__init__(parent)
        self._choices = choices

    def createEditor(self, parent: QWidget, option, index: QModelIndex) -> QWidget:
        box = QComboBox(parent)
        for label, value in self._choices:
            box.addItem(label, value)
        return box

    def setEditorData(self, editor: QWidget, index: QModelIndex) -> None:
        i = editor.findData(index.data(Qt.ItemDataRole.EditRole))  # type: ignore[attr-defined]
        editor.setCurrentIndex(max(i, 0))  # type: ignore[attr-defined]

    def setModelData(self, editor: QWidget, model, index: QModelIndex) -> None:
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)  # type: ignore[attr-defined]


def preset_choices() -> list[tuple[str, str]]:
    return [("(none)", "")] + [(f"{c.label} — {c.tokens:,} tokens", c.key) for c in CONTENT_SIZES]


PER_CHOICES = [("/month", "month"), ("/day", "day")]

__all__ = ["ModelDelegate", "ChoiceDelegate", "ModelPicker", "preset_choices", "PER_CHOICES", "QStringListModel"]
