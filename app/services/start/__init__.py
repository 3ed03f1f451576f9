"""The per-role start pages: a list of cards that answer "what needs me now".

`cards.cards_for(user, now)` returns the cards of the user's role; the role modules register
their card functions on import (see docs/ui.md, "Start pages", for adding a card).
"""

from app.services.start import coordinator, institution, mediator  # noqa: F401  (register)
