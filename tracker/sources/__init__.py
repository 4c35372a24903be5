"""One module per tool or export format. Sources read; they never write the store."""
