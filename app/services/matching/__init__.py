"""Who can take a request and how well: the hard rules (rules) and scores (ranking), the
batched speaker facts, their per-worker cache and the CP-SAT week solver."""
