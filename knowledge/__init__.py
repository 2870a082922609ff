"""The plan as validated data. Imports no botbuilder: `knowledge/` knows nothing of Teams."""
from .loader import PlanError, load_plan, shipped_plans
from .model import Contact, Knowledge, ResolvedTopic, Topic

__all__ = ["PlanError", "load_plan", "shipped_plans", "Contact", "Knowledge", "ResolvedTopic", "Topic"]
