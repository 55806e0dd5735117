from __future__ import annotations

from typing import Any

VALID_OFFER: dict[str, Any] = {
    "title": "Incident handling course",
    "themes": ["incident"],
    "kind": "training",
    "capacity": 20,
    "unit": "trainee_places",
    "languages": ["en", "fr"],
    "modalities": ["online", "hybrid"],
    "available_from": "2027-01-01",
    "available_until": "2027-12-31",
    "description": "A five-day course for CSIRT analysts.",
    "principles": {"universal": True},
}
