"""What a set produces: the report JSON and CSV, the overlay drawn on frames, the CLI summary."""
