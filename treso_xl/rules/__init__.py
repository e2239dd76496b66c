"""French rules (rates, thresholds, deadlines) as one dated data file with its sources."""
