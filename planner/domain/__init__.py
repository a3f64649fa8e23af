"""Pure domain: catalog, plan and cost arithmetic. Never imports Qt."""
