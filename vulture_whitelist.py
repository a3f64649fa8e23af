"""Names vulture cannot see being used: the frameworks call them. `make lint` runs vulture
on planner/, tests/ and this file (pyproject.toml, [tool.vulture])."""

from vulture.whitelist_utils import Whitelist

used = Whitelist()

# pydantic: model settings, the post-init hook (and its parameter), fields kept in files
used.model_config
used.model_post_init
used.__context
used.edited_at

# decimal: the precision of a local context
used.prec

# ExportRow fields, read by name through the export columns
used.price_input
used.price_output
used.model_name
used.of_baseline
used.cache_write_effective
used.batch_input_effective
used.long_context_tokens
used.pinned_text
used.enabled_text
used.over_budget_text

# urllib: the opener calls the handlers' protocol and redirect methods
used.https_open
used.http_open
used.max_redirections
used.http_error_301
used.http_error_303
used.http_error_307
used.http_error_308

# Qt: overrides of virtual methods (and their parameters)
used.eventFilter
used.filterAcceptsRow
used.lessThan
used.hasChildren
used.createEditor
used.setEditorData
used.setModelData
used.dragEnterEvent
used.mergeWith
used.multiData
used.option

# pyqtgraph: overrides and the axis item's cached picture
used.tickStrings
used.tickValues
used.dataBounds
used.orthoRange
used.picture

# tests: http.server and socketserver hooks, ConfigParser's key transform, __exit__'s
# parameters, widgets held so they stay alive while a test measures them
used.daemon_threads
used.verify_request
used.handle_error
used.client_address
used.log_message
used.do_GET
used.optionxform
used.tb
used.steady_row
used.plain_row

# babel: a NumberPattern attribute set to format with fixed decimals (planner/formatting.py)
used.frac_prec

# enum members read from plan files by value
used.FLEX
used.PRIORITY
used.ONE_HOUR

# plan fields kept in plan files and shown by the window
used.fiscal_year_start

# pydantic: a field serializer (planner/domain/catalog.py, Overlay's entries as a list in the file)
used._entries_as_list

# charts: a pyqtgraph legend inside the plot, for charts whose legend is not a key above it
used.add_legend

# pydantic: its plugin loader's one function, which pydantic calls (planner/domain/__init__.py)
used.get_plugins
