"""Keep a mediator's bank details: validated once here, masked wherever they are listed.

Why: the payout files (CSV and the SEPA transfer) are only as good as the IBAN in them. A
wrong digit sends money to nobody or to somebody else, so `schwifty` checks the checksum, the
country's length and structure, the national check digits and, for German accounts, that the
bank code belongs to a bank. Bank details are personal data: listed masked, shown in full only
on purpose, and every full read and every change leaves an audit entry (never the IBAN).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException

from app.extensions import db
from app.models import Mediator, User
from app.models.enums import Role
from app.services.core import audit
from app.services.core.errors import DomainError, NotAllowedError

MASK = "••••"


@dataclass(frozen=True)
class BankDetails:
    """Validated bank details: IBAN compact and upper-case, BIC upper-case or empty."""

    holder: str
    iban: str
    bic: str


def _iban(text: str) -> IBAN:
    try:
        iban = IBAN(text, validate_bban=True)
    except SchwiftyException as exc:
        raise DomainError(_("This IBAN is not valid (%(reason)s). Please check it.",
                            reason=_iban_reason(exc))) from exc
    if iban.country_code == "DE" and iban.bank is None:
        raise DomainError(_("This IBAN names no known German bank (bank code %(code)s). "
                            "Please check it.", code=iban.bank_code))
    return iban


def _iban_reason(exc: SchwiftyException) -> str:
    reasons = {
        "InvalidChecksumDigits": _("the check digits do not match"),
        "InvalidCountryCode": _("unknown country"),
        "InvalidLength": _("wrong length for the country"),
        "InvalidStructure": _("wrong structure for the country"),
        "InvalidBBANChecksum": _("the account number's check digit does not match"),
        "InvalidBankCode": _("unknown bank code"),
    }
    return reasons.get(type(exc).__name__, _("not an IBAN"))


def validate(holder: str, iban: str, bic: str = "") -> BankDetails:
    """Return the details in stored form or raise DomainError saying what is wrong."""
    holder = " ".join((holder or "").split())
    if not holder:
        raise DomainError(_("Please enter the account holder."))
    if len(holder) > 70:
        raise DomainError(_("The account holder may have at most 70 characters."))
    if not (iban or "").strip():
        raise DomainError(_("Please enter the IBAN."))
    parsed = _iban(iban)
    bic = (bic or "").replace(" ", "").upper()
    if bic:
        try:
            parsed_bic = BIC(bic)
        except SchwiftyException as exc:
            raise DomainError(_("This BIC is not valid. Please check it or leave it "
                                "empty.")) from exc
        if parsed_bic.country_code != parsed.country_code:
            raise DomainError(_("The BIC belongs to another country than the IBAN."))
        bic = str(parsed_bic.compact)
    return BankDetails(holder, parsed.compact, bic)


def is_valid_iban(text: str) -> bool:
    """Tell whether a stored IBAN would pass `validate` (for the payout files)."""
    try:
        _iban(text)
    except DomainError:
        return False
    return True


def mask(iban: str) -> str:
    """Return the IBAN for lists: country and check digits, the last four (DE89 •••• … 3000)."""
    compact = (iban or "").replace(" ", "").upper()
    if len(compact) < 8:
        return ""
    return f"{compact[:4]} {MASK} {MASK} {MASK} {compact[-4:]}"


def formatted(iban: str) -> str:
    """Return the IBAN in groups of four, the way it is read out."""
    compact = (iban or "").replace(" ", "").upper()
    return " ".join(compact[i:i + 4] for i in range(0, len(compact), 4))


def save(mediator: Mediator, actor: User, *, holder: str, iban: str, bic: str = "") -> None:
    """Store new bank details (validated) and audit the change without the IBAN itself."""
    details = validate(holder, iban or mediator.iban, bic)
    changed = [name for name, new in (("account_holder", details.holder),
                                      ("iban", details.iban), ("bic", details.bic))
               if getattr(mediator, name) != new]
    mediator.account_holder, mediator.iban, mediator.bic = details.holder, details.iban, details.bic
    db.session.flush()
    if changed:
        audit.record(actor, "update_bank_details", "mediator", mediator.id, fields=changed,
                     iban=mask(details.iban))


def remove(mediator: Mediator, actor: User) -> None:
    """Delete the bank details (the person no longer wants a transfer) and audit it."""
    if not (mediator.iban or mediator.account_holder or mediator.bic):
        return
    mediator.account_holder = mediator.iban = mediator.bic = ""
    db.session.flush()
    audit.record(actor, "remove_bank_details", "mediator", mediator.id)


def update(mediator: Mediator, actor: User, *, holder: str, iban: str, bic: str = "",
           delete: bool = False) -> None:
    """Save or delete the bank details as the form asked (one call for the views)."""
    if delete:
        remove(mediator, actor)
    else:
        save(mediator, actor, holder=holder, iban=iban, bic=bic)


def update_own(actor: User, **values) -> None:
    """Let a mediator change their own bank details (never another person's)."""
    if actor.role != Role.MEDIATOR or actor.mediator is None or actor.mediator.erased_at:
        raise NotAllowedError(_("You have no mediator profile."))
    update(actor.mediator, actor, **values)


def reveal(mediator: Mediator, actor: User) -> str:
    """Return the full IBAN for a coordinator who asked for it, and audit that read."""
    if not mediator.iban:
        raise DomainError(_("No IBAN is stored for this person."))
    audit.record(actor, "read_bank_details", "mediator", mediator.id)
    db.session.flush()
    return formatted(mediator.iban)
