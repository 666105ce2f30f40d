"""Scene tests render at the brisk pace (short holds): what they check does not depend on how
long a slide point lingers, and the suite stays quick. test_pacing.py sets the pace it tests."""
import pytest

from scenes.pacing import BRISK, PACE_ENV


@pytest.fixture(autouse=True)
def brisk_pace(monkeypatch):
    monkeypatch.setenv(PACE_ENV, BRISK)
