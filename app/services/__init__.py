"""Business logic, grouped by domain: service functions take a session and validated values,
flush and never commit, and raise DomainError; views and the scheduler commit."""
