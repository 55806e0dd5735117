from __future__ import annotations

from typing import Any

import pytest

DATABASE_BACKEND = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
}


@pytest.fixture
def database_backend(settings: Any) -> None:
    """Jobs go to the database queue, as in production, instead of running at once."""
    settings.TASKS = DATABASE_BACKEND
