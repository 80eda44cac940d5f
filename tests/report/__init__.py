"""Work product: the memo, the share copy, the PDF and the calendar."""
