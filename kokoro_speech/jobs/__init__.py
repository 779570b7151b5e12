"""Long-form jobs: books and articles made piece by piece by workers sharing a queue, joined into one file."""
