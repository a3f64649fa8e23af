"""Putting a page built late (charts load pyqtgraph only when first shown) in place of its
placeholder tab."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QWidget


def replace_tab(tabs: QTabWidget, index: int, page: QWidget, title: str) -> None:
    """`page` takes the place of the tab at `index`; the tab shown stays shown and no
    currentChanged is sent for the swap; the old page is deleted."""
    current = tabs.currentIndex()
    old = tabs.widget(index)
    tabs.blockSignals(True)
    try:
        tabs.removeTab(index)
        tabs.insertTab(index, page, title)
        tabs.setCurrentIndex(current)
    finally:
        tabs.blockSignals(False)
    if old is not None:
        old.deleteLater()
