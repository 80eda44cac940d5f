"""hipaa-xl's tests, in folders that mirror hipaa_xl/ (project-wide checks at the top)."""
