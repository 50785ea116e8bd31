"""Every maps test starts with an empty result cache; ``lead`` is the ASB lead.

Tests roll back, so a later test can reuse the ids of an earlier one's incidents and users:
the data version alone cannot tell their results apart.
"""

from __future__ import annotations

import pytest

from asb.auth.models import Role
from asb.maps import cache
from tests.factories import UserFactory, agency


@pytest.fixture(autouse=True)
def empty_result_cache():
    cache.results.clear()
    yield
    cache.results.clear()


@pytest.fixture
def lead(db_session):
    return UserFactory(role=Role.ASB_LEAD, agency=agency("community-safety"))
