"""The request-to-assignment loop: intake of interpreting requests, the status machine, offers,
booking under row locks, the request e-mails and the week plan glue."""
