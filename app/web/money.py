"""Read amounts of money the way people type them, in one place for the whole app.

A German user types 2,80 or 1.234,50, an English user 2.80; all of them mean cents, which is
what the services and the database keep. Every form with an amount uses `MoneyField`.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from wtforms import StringField

MONEY_RE = re.compile(r"^-?\d{1,3}(\.\d{3})*(,\d{1,2})?$|^-?\d+([.,]\d{1,2})?$")


def parse_cents(text: str) -> int | None:
    """Return the cents of an amount such as 15,50 / 1.234,50 / 15.50 (None when blank).

    Raises ValueError with a translated message when the text is no amount.
    """
    text = (text or "").strip().replace(" ", "").replace("€", "")
    if not text:
        return None
    if not MONEY_RE.match(text):
        raise ValueError(_l("Please enter an amount such as 15,50."))
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    try:
        return int((Decimal(text) * 100).to_integral_value())
    except InvalidOperation as exc:
        raise ValueError(_l("Please enter an amount such as 15,50.")) from exc


class MoneyField(StringField):
    """An amount in euros typed the German or English way (15,50 / 1.234,50 / 15.50) → cents."""

    cents: int | None = None

    def __init__(self, *args, allow_negative: bool = False, max_cents: int | None = None,
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.allow_negative = allow_negative
        self.max_cents = max_cents

    def process_formdata(self, valuelist) -> None:
        super().process_formdata(valuelist)
        self.cents = None
        cents = parse_cents(self.data or "")
        if cents is None:
            return
        if cents < 0 and not self.allow_negative:
            raise ValueError(_l("The amount must not be negative."))
        if self.max_cents is not None and cents > self.max_cents:
            raise ValueError(_l("The amount must not be more than %(amount)s.",
                                amount=cents_text(self.max_cents)))
        self.cents = cents


def cents_text(cents: int) -> str:
    """Show cents in a form field the German way (15,50)."""
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100},{abs(cents) % 100:02d}"
