"""Every maps test starts with an empty result cache.

Tests roll back, so a later test can reuse the ids of an earlier one's incidents and users:
the data version alone cannot tell their results apart.
"""

from __future__ import annotations

import pytest

from asb.maps import cache


@pytest.fixture(autouse=True)
def empty_result_cache():
    cache.results.clear()
    yield
    cache.results.clear()
