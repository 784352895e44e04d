"""The imperative shell around the pure core: files, the command line (and, later, delivery)."""
