"""Which database errors are an outage (503, try again) and which are not (500 with a hint)."""

from __future__ import annotations

import sqlite3

import psycopg
import psycopg.errors as pg
import pytest
from sqlalchemy import exc as sa_exc

from app.web import errors


def _wrap(kind, orig, invalidated: bool = False):
    return kind("SELECT 1", {}, orig, connection_invalidated=invalidated)


CASES = [
    # PostgreSQL restarting, refusing, gone, or a lost race: waiting helps
    (_wrap(sa_exc.OperationalError, pg.AdminShutdown("terminating connection")), errors.OUTAGE),
    (_wrap(sa_exc.OperationalError, pg.CannotConnectNow("starting up")), errors.OUTAGE),
    (_wrap(sa_exc.OperationalError, psycopg.OperationalError(
        'connection failed: connection to server at "127.0.0.1", port 1 failed: Connection '
        "refused")), errors.OUTAGE),
    (_wrap(sa_exc.OperationalError, psycopg.OperationalError("server closed the connection"),
           invalidated=True), errors.OUTAGE),
    (_wrap(sa_exc.OperationalError, pg.LockNotAvailable("lock timeout")), errors.OUTAGE),
    (_wrap(sa_exc.OperationalError, pg.SerializationFailure("could not serialize")),
     errors.OUTAGE),
    (_wrap(sa_exc.InterfaceError, psycopg.InterfaceError("the connection is closed")),
     errors.OUTAGE),
    (sa_exc.DisconnectionError("gone"), errors.OUTAGE),
    (_wrap(sa_exc.OperationalError, sqlite3.OperationalError("database is locked")),
     errors.OUTAGE),
    # waiting does not help: the schema is behind, the URL is wrong, the file is damaged
    (_wrap(sa_exc.ProgrammingError, pg.UndefinedColumn('column "x" does not exist')),
     errors.SCHEMA),
    (_wrap(sa_exc.ProgrammingError, pg.UndefinedTable('relation "x" does not exist')),
     errors.SCHEMA),
    (_wrap(sa_exc.OperationalError, sqlite3.OperationalError("no such column: x.y")),
     errors.SCHEMA),
    (_wrap(sa_exc.OperationalError, sqlite3.OperationalError("table x has no column named y")),
     errors.SCHEMA),
    (_wrap(sa_exc.OperationalError, psycopg.OperationalError(
        'connection failed: FATAL:  database "skm_typo" does not exist')), errors.SETUP),
    (_wrap(sa_exc.OperationalError, psycopg.OperationalError(
        'FATAL:  password authentication failed for user "skm"')), errors.SETUP),
    (_wrap(sa_exc.OperationalError, sqlite3.OperationalError("unable to open database file")),
     errors.SETUP),
    (_wrap(sa_exc.DatabaseError, sqlite3.DatabaseError("database disk image is malformed")),
     errors.DAMAGED),
    (_wrap(sa_exc.DatabaseError, sqlite3.DatabaseError("file is not a database")),
     errors.DAMAGED),
    (_wrap(sa_exc.DataError, pg.NumericValueOutOfRange("integer out of range")), errors.OTHER),
    (_wrap(sa_exc.InterfaceError, sqlite3.InterfaceError("Error binding parameter 1")),
     errors.OTHER),
]


@pytest.mark.parametrize(("exc", "kind"), CASES, ids=[f"{type(e).__name__}-{i}"
                                                       for i, (e, _) in enumerate(CASES)])
def test_classify(exc, kind):
    assert errors.classify(exc) == kind
