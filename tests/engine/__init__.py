"""The engine: penalties, tiers, days, aggregation, scenarios and deadlines on typed values."""
