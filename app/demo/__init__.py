"""The demo data that `make run` seeds: a fictitious town's pool, institutions, meetings and
requests; idempotent, so a second run changes nothing."""
