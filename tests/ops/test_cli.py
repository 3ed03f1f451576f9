"""Operator commands."""

import sqlalchemy as sa

from app.extensions import db
from app.models import Institution, Mediator, MediatorLanguage, User


def test_seed_demo_is_idempotent_and_prints_logins(runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "koordination@skm-demo.de" in result.output
    assert "kita@skm-demo.de" in result.output and "mittler@skm-demo.de" in result.output
    mediators = db.session.scalar(sa.select(sa.func.count(Mediator.id)))
    languages = db.session.scalar(sa.select(sa.func.count(sa.distinct(MediatorLanguage.code))))
    active = db.session.scalar(
        sa.select(sa.func.count(Mediator.id)).where(Mediator.status == "active"))
    institutions = db.session.scalar(sa.select(sa.func.count(Institution.id)))
    assert mediators >= 69 and active >= 40 and languages >= 15 and institutions == 15
    for code in ("apc", "kmr", "ckb", "prs", "pes", "tir", "pus", "tur", "pol", "rus", "ukr",
                 "ron", "bul", "sqi", "som"):
        assert db.session.scalar(
            sa.select(MediatorLanguage.id).where(MediatorLanguage.code == code).limit(1)
        ), code

    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code == 0
    assert "already present" in again.output
    assert db.session.scalar(sa.select(sa.func.count(Mediator.id))) == mediators


def test_users_create_and_list(runner, make_institution):
    institution = make_institution()
    db.session.commit()
    result = runner.invoke(
        args=["users", "create", "--role", "institution", "--email", "Neu@Example.org",
              "--institution-id", str(institution.id)],
        input="geheimes-passwort\ngeheimes-passwort\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.email == "neu@example.org"))
    assert user is not None and user.check_password("geheimes-passwort")
    listing = runner.invoke(args=["users", "list"])
    assert "neu@example.org" in listing.output and "institution" in listing.output


def test_users_create_refuses_duplicates_and_missing_links(runner, make_user):
    make_user("coordinator", email="dup@example.org")
    dup = runner.invoke(args=["users", "create", "--role", "coordinator", "--email",
                              "DUP@example.org"], input="x-password-1\nx-password-1\n")
    assert dup.exit_code != 0 and "bereits" in dup.output
    missing = runner.invoke(args=["users", "create", "--role", "mediator", "--email",
                                  "m@example.org"], input="x-password-1\nx-password-1\n")
    assert missing.exit_code != 0 and "--mediator-id" in missing.output
