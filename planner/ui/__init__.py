"""Qt user interface: main window, tabs, item models, dialogs. The only package that imports Qt."""
