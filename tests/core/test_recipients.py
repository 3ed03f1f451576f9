"""The one recipient policy: who gets which kind of mail, in which language, with the opt-out.

The sources are scanned so that no module but the policy reads the opt-out flag, picks a
recipient's language or queues mail past it.
"""

from __future__ import annotations

import ast
import datetime as dt
import pathlib

import pytest

from app.extensions import db
from app.models import Document, Meeting, Offer, SupervisionGroup
from app.services.core.recipients import OPTIONAL_FOR_MEDIATORS, Kind, recipients
from tests.factories import make_booking

UTC = dt.UTC
ROOT = pathlib.Path(__file__).resolve().parents[2]
POLICY = ROOT / "app" / "services" / "core" / "recipients.py"


@pytest.fixture()
def people(make_user, make_mediator, make_institution):
    """A mediator with an English account, one without account, two institutions, coordinators."""
    with_account = make_mediator(email="kontakt@example.org")
    make_user("mediator", mediator=with_account, email="konto@example.org", locale="en")
    no_account = make_mediator(email="ohne@example.org")
    served = make_institution(name="Schule mit Konto", email="schule@example.org")
    make_user("institution", institution=served, email="leitung@example.org", locale="en")
    make_user("institution", institution=served, email="alt@example.org", is_enabled=False)
    bare = make_institution(name="Kita ohne Konto", email="Kita@Example.org")
    make_user("coordinator", email="koord.en@example.org", locale="en")
    make_user("coordinator", email="koord.de@example.org")
    make_user("coordinator", email="koord.weg@example.org", is_enabled=False)
    return {"with_account": with_account, "no_account": no_account, "served": served,
            "bare": bare}


def _subject(kind: Kind, mediator, institution):
    """Build what a message of `kind` is about (and the invitees for meetings)."""
    start = dt.datetime(2026, 3, 30, 8, tzinfo=UTC)
    assignment = make_booking(institution, mediator, start)
    if kind in (Kind.OFFER, Kind.OFFER_WITHDRAWN):
        offer = Offer(request=assignment.request, mediator=mediator, expires_at=start)
        db.session.add(offer)
        return offer, ()
    if kind.name.startswith("ASSIGNMENT"):
        return assignment, ()
    if kind.name.startswith("MEETING"):
        group = SupervisionGroup(name="Gruppe A", supervisor_name="M. Kehl",
                                 supervisor_email="kehl@example.org")
        meeting = Meeting(kind="supervision", group=group, title="Supervision", place="MIB",
                          agenda="", starts_at=start, ends_at=start + dt.timedelta(hours=1))
        db.session.add(meeting)
        db.session.flush()
        return meeting, [mediator]
    if kind == Kind.DOCUMENT_DUE:
        doc = Document(mediator=mediator, kind="police_certificate",
                       recorded_on=dt.date(2021, 7, 1), issued_on=dt.date(2021, 6, 20))
        db.session.add(doc)
        db.session.flush()
        return doc, ()
    if kind == Kind.INSTITUTION_NOTICE:
        return assignment.request, ()
    return None, ()


MEDIATOR = ("konto@example.org", "en", "mediator")
INSTITUTION = [("leitung@example.org", "en", "institution")]
COORDINATORS = [("koord.en@example.org", "en", "coordinator"),
                ("koord.de@example.org", "de", "coordinator")]
SUPERVISOR = [("kehl@example.org", "de", "external")]
# kind -> who besides the mediator gets it (mediator first when they get it at all)
OTHERS = {
    Kind.OFFER: [], Kind.OFFER_WITHDRAWN: [], Kind.ASSIGNMENT_REMINDER: [],
    Kind.ASSIGNMENT_RELEASED: [],
    Kind.ASSIGNMENT_INVITATION: INSTITUTION, Kind.ASSIGNMENT_CANCELLATION: INSTITUTION,
    Kind.MEETING_INVITATION: SUPERVISOR, Kind.MEETING_CANCELLATION: SUPERVISOR,
    Kind.MEETING_REMINDER: [], Kind.DOCUMENT_DUE: COORDINATORS,
}


@pytest.mark.parametrize("kind", list(OTHERS))
@pytest.mark.parametrize("opted_out", [False, True])
def test_mediator_kinds_with_and_without_opt_out(app, people, kind, opted_out):
    mediator = people["with_account"]
    mediator.notify_by_email = not opted_out
    subject, invitees = _subject(kind, mediator, people["served"])
    got = [(r.email, r.locale, r.role) for r in recipients(kind, subject, invitees=invitees)]
    suppressed = opted_out and kind in OPTIONAL_FOR_MEDIATORS
    assert got == ([] if suppressed else [MEDIATOR]) + OTHERS[kind]


def test_must_have_kinds_are_exactly_the_cancellations_and_account_mail():
    """A released assignment is a cancellation too: its notice ignores the opt-out."""
    mediator_kinds = set(OTHERS) | {Kind.ACCOUNT_INVITE, Kind.PASSWORD_RESET}
    assert mediator_kinds - OPTIONAL_FOR_MEDIATORS == {
        Kind.ASSIGNMENT_CANCELLATION, Kind.MEETING_CANCELLATION, Kind.ACCOUNT_INVITE,
        Kind.PASSWORD_RESET, Kind.ASSIGNMENT_RELEASED}


def test_mediator_address_and_locale_rule(app, people, make_user, make_mediator):
    no_account = people["no_account"]
    offer, _ = _subject(Kind.OFFER, no_account, people["bare"])
    (rcpt,) = recipients(Kind.OFFER, offer)
    assert (rcpt.email, rcpt.locale) == ("ohne@example.org", "de")  # no account: German
    # a disabled account: the contact address, still in the person's own language
    disabled = make_mediator(email="kontakt2@example.org")
    make_user("mediator", mediator=disabled, email="zu@example.org", locale="en",
              is_enabled=False)
    (rcpt,) = recipients(Kind.ASSIGNMENT_REMINDER, make_booking(
        people["bare"], disabled, dt.datetime(2026, 4, 1, 8, tzinfo=UTC)))
    assert (rcpt.email, rcpt.locale) == ("kontakt2@example.org", "en")
    # a locale the app does not speak falls back to German; no address at all: nobody
    odd = make_mediator(email="")
    make_user("mediator", mediator=odd, email="fr@example.org", locale="fr")
    silent = make_mediator(email="")
    (rcpt,) = recipients(Kind.MEETING_REMINDER, None, invitees=[odd, silent])
    assert (rcpt.email, rcpt.locale) == ("fr@example.org", "de")
    # an erased person gets nothing, not even a must-have cancellation
    no_account.erased_at = dt.datetime(2026, 1, 1, tzinfo=UTC)
    cancelled = make_booking(people["bare"], no_account, dt.datetime(2026, 5, 1, tzinfo=UTC))
    assert [r.role for r in recipients(Kind.ASSIGNMENT_CANCELLATION, cancelled)] == [
        "institution"]


@pytest.mark.parametrize("kind", [Kind.ASSIGNMENT_INVITATION, Kind.ASSIGNMENT_CANCELLATION,
                                  Kind.INSTITUTION_NOTICE])
def test_institution_without_accounts_falls_back_to_its_address(app, people, kind):
    subject, _ = _subject(kind, people["no_account"], people["bare"])
    got = [(r.email, r.locale, r.role) for r in recipients(kind, subject)
           if r.role == "institution"]
    assert got == [("kita@example.org", "de", "institution")]
    people["bare"].email = ""
    assert [r for r in recipients(kind, subject) if r.role == "institution"] == []


@pytest.mark.parametrize("kind", [Kind.ESCALATION, Kind.MEDIATOR_CANCELLED,
                                  Kind.NEW_APPLICATION, Kind.OPEN_REQUESTS_DIGEST])
def test_coordinator_kinds_go_to_enabled_coordinators_in_their_language(app, people, kind):
    assert [(r.email, r.locale, r.role) for r in recipients(kind)] == COORDINATORS


def test_account_mail_ignores_opt_out_and_reset_skips_disabled(app, people, make_user):
    people["with_account"].notify_by_email = False
    user = people["with_account"].user
    for kind in (Kind.ACCOUNT_INVITE, Kind.PASSWORD_RESET):
        assert [(r.email, r.locale) for r in recipients(kind, user)] == [
            ("konto@example.org", "en")]
    user.is_enabled = False
    assert recipients(Kind.PASSWORD_RESET, user) == []
    assert [r.email for r in recipients(Kind.ACCOUNT_INVITE, user)] == ["konto@example.org"]


def test_a_person_in_two_roles_gets_one_copy(app, people, make_user):
    mediator = people["no_account"]
    mediator.email = "koord.de@example.org"  # the coordinator is a mediator too
    doc, _ = _subject(Kind.DOCUMENT_DUE, mediator, people["bare"])
    got = [(r.email, r.role) for r in recipients(Kind.DOCUMENT_DUE, doc)]
    assert got == [("koord.de@example.org", "mediator"), ("koord.en@example.org", "coordinator")]


def test_docs_table_names_every_kind():
    text = (ROOT / "docs" / "email.md").read_text(encoding="utf-8")
    missing = [k.value for k in Kind if f"`{k.value}`" not in text]
    assert missing == []


# --- the source scan ------------------------------------------------------------------------


def _modules():
    for path in sorted((ROOT / "app").rglob("*.py")):
        if path != POLICY:
            yield path, ast.parse(path.read_text(encoding="utf-8"))


def _imports_policy(tree: ast.AST) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = {a.name for a in node.names}
            if node.module == "app.services.core.recipients" or (
                    node.module == "app.services.core" and "recipients" in names):
                return True
    return False


def _call_name(node: ast.Call) -> str:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def test_only_the_policy_module_decides_recipients():
    """Fail when a module reads the opt-out, queues mail itself or picks a mail's locale."""
    offences = []
    for path, tree in _modules():
        where = path.relative_to(ROOT)
        mail_module = _imports_policy(tree)
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and node.attr == "notify_by_email"
                    and isinstance(node.ctx, ast.Load)):
                offences.append(f"{where}:{node.lineno} reads the opt-out")
            if isinstance(node, ast.Call) and _call_name(node) in ("enqueue", "Recipient"):
                offences.append(f"{where}:{node.lineno} {_call_name(node)}() past the policy")
            if mail_module and isinstance(node, ast.Call) and _call_name(node) == "force_locale":
                offences.append(f"{where}:{node.lineno} picks a recipient's locale")
            if (mail_module and isinstance(node, ast.Attribute) and node.attr == "locale"
                    and isinstance(node.ctx, ast.Load)):
                offences.append(f"{where}:{node.lineno} reads a locale")
    assert offences == []


def test_every_module_that_queues_mail_goes_through_the_policy():
    senders = sorted(str(path.relative_to(ROOT)) for path, tree in _modules()
                     if _imports_policy(tree))
    assert senders == [
        "app/services/booking/follow_up.py", "app/services/booking/mail.py",
        "app/services/booking/series.py",
        "app/services/calendar/itip.py",
        "app/services/calendar/reminders.py", "app/services/core/accounts.py",
        "app/services/core/feedback.py",
        "app/services/pool/recruiting.py",
    ]
