"""Charts drawn with pyqtgraph. Imported only when the Charts tab or an export needs them."""
