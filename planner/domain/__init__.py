"""Pure domain: catalog, plan and cost arithmetic. Never imports Qt.

The domain's models are pydantic models, and they are validated by pydantic alone: no
pydantic plugin installed beside the program (found through the `pydantic` entry points of
every installed distribution) may watch or change how a price or a plan is read. So the
plugin loader is one that finds none, set before the first model class is made; it also
spares every start the import of importlib.metadata and the scan of the installed
distributions (~15 ms).
"""

from __future__ import annotations

import sys
import types


def _no_pydantic_plugins() -> None:
    name = "pydantic.plugin._loader"
    if name in sys.modules:  # models were made before: their plugins are already chosen
        return
    loader = types.ModuleType(name, "No pydantic plugins for the program's models (planner.domain).")
    loader.get_plugins = lambda: ()  # type: ignore[attr-defined]
    sys.modules[name] = loader


_no_pydantic_plugins()
