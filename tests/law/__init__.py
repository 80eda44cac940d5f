"""The law as data: amounts, inflation tables, labels and readings, published outcomes."""
