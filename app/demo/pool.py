"""Demo extras for the pool pipeline: closed applications and a person ready to activate.

Kept apart from the random pool builder and free of randomness, so adding them does not
shift any other demo record.
"""

from __future__ import annotations

import datetime as dt

from app.models import Document, Mediator, MediatorLanguage, ModuleCompletion, QualificationModule
from app.models.enums import MediatorStatus
from app.timeutil import from_local


def add_pipeline_extras(session, today: dt.date, now: dt.datetime,
                        modules: dict[str, QualificationModule]) -> None:
    """Add a rejected and a withdrawn applicant and a trainee with everything done."""
    rejected = Mediator(
        first_name="Jonas", last_name="Brenner", gender="male", status=MediatorStatus.REJECTED,
        email="jonas.brenner@example.org", district="Altstadt", german_level="native",
        motivation="Ich habe ein Auslandsjahr in Spanien gemacht.",
        consent_at=now - dt.timedelta(days=75), left_on=today - dt.timedelta(days=40))
    rejected.languages.append(MediatorLanguage(code="spa", level="B2"))
    withdrawn = Mediator(
        first_name="Lina", last_name="Haddad", gender="female", status=MediatorStatus.WITHDRAWN,
        email="lina.haddad@example.org", district="Nord", german_level="C1",
        motivation="Ich möchte anderen Familien den Start erleichtern.",
        consent_at=now - dt.timedelta(days=120), left_on=today - dt.timedelta(days=20))
    withdrawn.languages.append(MediatorLanguage(code="apc", variety="Syrisch", level="native"))
    joined = today - dt.timedelta(days=120)
    ready = Mediator(
        first_name="Nasrin", last_name="Ahmadi", gender="female", status=MediatorStatus.IN_TRAINING,
        email="nasrin.ahmadi@example.org", phone="+49 6132 448812", district="Süd",
        german_level="C1", joined_on=joined, consent_at=from_local(joined, dt.time(10)),
        motivation="Ich war selbst auf Dolmetscher angewiesen.")
    ready.languages.append(MediatorLanguage(code="prs", level="native"))
    ready.languages.append(MediatorLanguage(code="pes", level="C1", confirmed=False))
    for i, module in enumerate(m for m in modules.values() if m.required):
        ready.completions.append(ModuleCompletion(
            module=module, completed_on=joined + dt.timedelta(days=14 * (i + 1))))
    ready.documents.append(Document(kind="pledge", recorded_on=joined + dt.timedelta(days=14)))
    ready.documents.append(Document(kind="police_certificate",
                                    recorded_on=joined + dt.timedelta(days=20),
                                    issued_on=joined + dt.timedelta(days=5)))
    for person in (rejected, withdrawn, ready):
        person.created_at = person.updated_at = person.consent_at
        session.add(person)
