"""Finding files (scanner) and reading them into the index on both cores (indexer)."""
