"""Work product from a refreshed exposure workbook: the exposure memo (Word, PDF) and the share copy."""
