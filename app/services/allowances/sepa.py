"""Write the SEPA credit transfer file (pain.001.001.03) for one export run.

Why: German municipal cash offices import pain.001 files into their payment software instead
of typing transfers from a CSV. `sepaxml` builds the file and checks it against the official
XSD it ships. The file is made from the frozen statements of one export run, and its message
id is the run's id, so downloading it twice gives the same message, which the bank treats as
a duplicate instead of paying twice. Only positive amounts are transfers; reclaims (negative
corrections) stay in the CSV for the cash office to collect.
"""

from __future__ import annotations

import datetime as dt

from flask import current_app
from flask_babel import gettext as _
from sepaxml import SepaTransfer
from sepaxml.validation import ValidationError

from app.models import AllowanceStatement
from app.services.core.errors import DomainError
from app.services.pool import bank
from app.timeutil import to_local, today_local

SCHEMA = "pain.001.001.03"


def debtor() -> dict:
    """Return the town's account from the configuration, checked like any IBAN."""
    config = current_app.config
    name, iban = config["SEPA_DEBTOR_NAME"], config["SEPA_DEBTOR_IBAN"]
    if not name or not iban:
        raise DomainError(_("The paying account is not configured (SEPA_DEBTOR_NAME, "
                            "SEPA_DEBTOR_IBAN). Please ask the administrator."))
    details = bank.validate(name, iban, config["SEPA_DEBTOR_BIC"])
    result = {"name": details.holder, "IBAN": details.iban, "currency": "EUR", "batch": True}
    if details.bic:
        result["BIC"] = details.bic
    return result


def transfers(statements: list[AllowanceStatement]) -> list[AllowanceStatement]:
    """Return the statements that are transfers (a positive amount to an IBAN)."""
    return [s for s in statements if s.total_cents > 0 and s.iban]


def sepa_xml(statements: list[AllowanceStatement], batch: str,
             execution_date: dt.date | None = None) -> bytes:
    """Return the pain.001 file of one export run, validated against the XSD."""
    payments = transfers(statements)
    if not payments:
        raise DomainError(_("This export contains no transfers."))
    exported_at = min(s.exported_at for s in payments)
    # a file fetched again later asks for today, never for a day in the past
    execution_date = execution_date or max(today_local(), to_local(exported_at).date())
    sepa = SepaTransfer(debtor(), schema=SCHEMA, clean=True)
    for s in payments:
        payment = {
            "name": s.payee_name or _("Unknown"), "IBAN": s.iban, "amount": s.total_cents,
            "execution_date": execution_date,
            "description": _("%(reference)s Expense allowance %(period)s",
                             reference=s.reference, period=f"{s.month:02d}/{s.year}"),
            "endtoend_id": s.reference,
        }
        if s.bic:
            payment["BIC"] = s.bic
        sepa.add_payment(payment)
    header = sepa._xml.find("CstmrCdtTrfInitn/GrpHdr")  # sepaxml offers no setter for these
    header.find("MsgId").text = batch
    header.find("CreDtTm").text = to_local(exported_at).strftime("%Y-%m-%dT%H:%M:%S")
    try:
        return sepa.export(validate=True)
    except ValidationError as exc:
        raise DomainError(_("The transfer file could not be written: a name or IBAN is not "
                            "allowed in SEPA files.")) from exc

