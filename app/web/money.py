"""Read and show amounts and decimals the way people type them, in one place for the whole app.

A German user types 2,80 or 1.234,50, an English user 2.80 or 1,234.50; every other UI
language reads as German (a separator before one or two digits is a decimal mark either way),
and Arabic or Persian digits and decimal mark ("٣٫٥") read as the digits they are; the
services and the database keep cents (money) or a `Decimal` (kilometres). Every form with an
amount uses `MoneyField`, every other decimal `DecimalTextField`. Both are plain text inputs with
`inputmode="decimal"`: a browser's `type=number` reads "2,80" differently per browser and
language (one read it as 280), so the server alone decides.

The only ambiguous spelling is one separator followed by exactly three digits ("1.234",
"1,234"): that is a thousands separator in the UI's language (German ".", English ","). A
separator followed by one or two digits is a decimal mark in either language, since people
type the way they are used to whatever the UI says.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from flask import has_request_context
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import StringField

_SEPARATORS = {"de": (",", "."), "en": (".", ",")}  # language: (decimal mark, group mark)
# Arabic-Indic (٠-٩) and Persian (۰-۹) digits as the ASCII digits they are
_EASTERN_DIGITS = {**{0x0660 + i: str(i) for i in range(10)},
                   **{0x06F0 + i: str(i) for i in range(10)}}


def _language(locale: str | None) -> str:
    if locale is None:
        current = get_locale() if has_request_context() else None
        locale = str(current or "de")
    return "en" if locale.startswith("en") else "de"


def _patterns(language: str) -> list[tuple[re.Pattern, str, str]]:
    """Return (pattern, group mark to drop, decimal mark) for what a language may type."""
    decimal, group = _SEPARATORS[language]
    d, g = re.escape(decimal), re.escape(group)
    return [
        (re.compile(rf"^-?\d{{1,3}}({g}\d{{3}})+({d}\d+)?$"), group, decimal),  # 1.234,50
        (re.compile(rf"^-?\d+({d}\d+)?$"), "", decimal),  # 1234,50 / 2,8
        (re.compile(rf"^-?\d+{g}\d{{1,2}}$"), "", group),  # 2.80 typed in the German UI
    ]


def parse_decimal(text: str, places: int, locale: str | None = None) -> Decimal | None:
    """Return the number typed as text in the UI's language (None when blank).

    Raises ValueError (a translated message) when the text is no number or has more than
    `places` decimal places.
    """
    text = (text or "").strip().replace(" ", "").replace("\u00a0", "").replace("€", "")
    if not text:
        return None
    language = _language(locale)
    # Arabic and Persian phone keyboards type their own digits and decimal mark ("٣٫٥")
    decimal_mark, group_mark = _SEPARATORS[language]
    text = text.translate(_EASTERN_DIGITS).replace("\u066b", decimal_mark).replace(
        "\u066c", group_mark)
    for pattern, group, decimal in _patterns(language):
        if pattern.match(text):
            plain = text.replace(group, "") if group else text
            plain = plain.replace(decimal, ".")
            break
    else:
        raise ValueError(_example_message(places))
    try:
        value = Decimal(plain)
    except InvalidOperation as exc:  # pragma: no cover - the patterns admit digits only
        raise ValueError(_example_message(places)) from exc
    if -value.as_tuple().exponent > places:
        raise ValueError(_example_message(places))
    return value


def _example_message(places: int):
    if places >= 2:
        return _l("Please enter an amount such as 15,50.")
    return _l("Please enter a number such as 12,5.")


def format_decimal_text(value: Decimal | int | None, places: int,
                        locale: str | None = None) -> str:
    """Show a number in a form field in the UI's language, without grouping (12,5 / 12.5)."""
    if value is None:
        return ""
    text = f"{Decimal(value):.{places}f}"
    return text.replace(".", _SEPARATORS[_language(locale)][0])


def parse_cents(text: str, locale: str | None = None) -> int | None:
    """Return the cents of an amount such as 15,50 / 1.234,50 / 15.50 (None when blank)."""
    value = parse_decimal(text, 2, locale)
    return None if value is None else int((value * 100).to_integral_value())


def cents_text(cents: int, locale: str | None = None) -> str:
    """Show cents in a form field in the UI's language (15,50 / 15.50)."""
    return format_decimal_text(Decimal(cents) / 100, 2, locale)


class DecimalTextField(StringField):
    """A decimal typed the German or English way (12,5 / 1.234,5 / 12.5) → `number`.

    Object data (a `Decimal` from the database) is shown in the UI's language, so a form
    opened again shows what is stored. `submitted` tells a field that was sent empty (the
    user cleared it) from one that was not sent at all (keep what is stored).
    """

    number: Decimal | None = None
    places = 1

    def __init__(self, *args, places: int | None = None, minimum: Decimal | int | None = 0,
                 maximum: Decimal | int | None = None, **kwargs):
        render_kw = {"inputmode": "decimal", "autocomplete": "off", **kwargs.pop("render_kw", {})}
        super().__init__(*args, render_kw=render_kw, **kwargs)
        if places is not None:
            self.places = places
        self.minimum, self.maximum = minimum, maximum

    @property
    def submitted(self) -> bool:
        return bool(self.raw_data)

    def _from_object(self, value) -> Decimal | None:
        return Decimal(value)

    def process_data(self, value) -> None:
        if value is None or isinstance(value, str):
            self.data = value
            self.number = None if value is None else parse_decimal(value, self.places)
            return
        self.number = self._from_object(value)
        self.data = format_decimal_text(self.number, self.places)

    def process_formdata(self, valuelist) -> None:
        super().process_formdata(valuelist)
        self.number = None
        number = parse_decimal(self.data or "", self.places)
        if number is None:
            return
        if self.minimum is not None and number < self.minimum:
            if self.minimum < 0:
                raise ValueError(self._under_message(
                    format_decimal_text(self.minimum, self.places)))
            raise ValueError(self._below_message())
        if self.maximum is not None and number > self.maximum:
            raise ValueError(self._above_message(format_decimal_text(self.maximum, self.places)))
        self.number = number

    def _below_message(self):
        return _l("The value must not be negative.")

    def _above_message(self, limit: str):
        return _l("The value must not be more than %(value)s.", value=limit)

    def _under_message(self, limit: str):
        return _l("The value must not be less than %(value)s.", value=limit)


# Any amount typed into the app: far above every real one, far below what an INTEGER column
# of cents holds (2**31 - 1 cents = 21.474.836,47 €), so no input can overflow the database.
DEFAULT_MAX_CENTS = 1_000_000_00


class MoneyField(DecimalTextField):
    """An amount in euros typed the German or English way (15,50 / 1.234,50 / 15.50) → cents.

    Object data is cents (as stored), shown as euros in the UI's language. Every amount is
    bounded (`max_cents`, by default `DEFAULT_MAX_CENTS`; the negative of it when negative
    amounts are allowed); `max_cents` may be a function, read when the form is built (a
    configured limit).
    """

    places = 2

    def __init__(self, *args, allow_negative: bool = False,
                 max_cents: int | Callable[[], int] = DEFAULT_MAX_CENTS, **kwargs):
        if callable(max_cents):
            max_cents = max_cents()
        max_cents = min(int(max_cents), DEFAULT_MAX_CENTS)
        limit = Decimal(max_cents) / 100
        super().__init__(*args, minimum=-limit if allow_negative else 0, maximum=limit,
                         **kwargs)
        self.max_cents = max_cents

    @property
    def cents(self) -> int | None:
        return None if self.number is None else int((self.number * 100).to_integral_value())

    def _from_object(self, value) -> Decimal:
        return Decimal(value) / 100

    def _below_message(self):
        return _l("The amount must not be negative.")

    def _under_message(self, limit: str):
        return _l("The amount must not be less than %(amount)s.", amount=limit)

    def _above_message(self, limit: str):
        return _l("The amount must not be more than %(amount)s.", amount=limit)
