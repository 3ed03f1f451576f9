"""Fixtures the reports tests share: the report data set and a logged-in coordinator."""

from __future__ import annotations

import pytest

from tests.reports import report_data


@pytest.fixture()
def data(app, clock, make_institution, make_mediator):
    clock(report_data.NOW)
    return report_data.build(make_institution, make_mediator)


@pytest.fixture()
def coordinator(client, make_user, login):
    user = make_user("coordinator")
    login(user)
    return user
