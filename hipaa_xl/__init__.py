"""hipaa-xl: HIPAA civil money penalty exposure, from cited law data to Excel."""

__version__ = "0.1.0"
"""The package version, stated only here (pyproject.toml reads it: ``dynamic = ["version"]``)."""
