"""Cost Planner: plan monthly LLM API costs and export a budget."""
__version__ = "0.1.0"
