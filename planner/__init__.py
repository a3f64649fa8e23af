"""Cost Planner: plan monthly LLM API costs and export a budget."""
__version__ = "0.1.0"
#: The command's name; also the application's name for Qt and the user directories.
PROG = "cost-planner"
