"""Domain errors that views turn into messages for the user."""


class DomainError(Exception):
    """A rule of the domain was broken; the message is shown to the user (already translated)."""


class NotAllowedError(DomainError):
    """The action is not allowed for this user or in this state."""
