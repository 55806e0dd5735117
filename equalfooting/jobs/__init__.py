"""Background jobs: long work done by workers, on Django's tasks API with a lease on top."""
