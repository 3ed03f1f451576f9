"""One throwaway PostgreSQL cluster, one SMTP server and the app's processes for the suite."""

from __future__ import annotations

import tempfile
import uuid

import pytest

from resilience.cluster import Cluster
from resilience.smtp import Mailbox
from resilience.stack import Stack


@pytest.fixture(scope="session")
def cluster():
    instance = Cluster()
    yield instance
    instance.destroy()


@pytest.fixture(scope="session")
def mailbox():
    box = Mailbox()
    box.start()
    yield box
    box.stop()


@pytest.fixture(scope="session")
def stack(cluster, mailbox):
    url = cluster.create_database(f"skm_load_{uuid.uuid4().hex[:8]}")
    logs = tempfile.mkdtemp(prefix="skm-resilience-logs-")
    instance = Stack(url, mailbox.port, logs)
    instance.url = url
    instance.prepare()
    instance.start_web()
    instance.start_scheduler()
    yield instance
    instance.stop()
