from __future__ import annotations

from django.db import models


class Installation(models.Model):
    """Facts about this installation; one row."""

    has_synthetic_data = models.BooleanField(default=False)
    # Set when this installation is a read-only mirror imported from a signed bundle.
    mirror_of = models.CharField(max_length=100, blank=True)
    mirror_head = models.CharField(max_length=64, blank=True)
    mirror_created_at = models.CharField(max_length=40, blank=True)

    def __str__(self) -> str:
        return "installation"


def installation_get() -> Installation | None:
    """The installation's one row; None before the demo or a mirror import first writes it."""
    return Installation.objects.filter(pk=1).first()


def is_mirror() -> bool:
    return Installation.objects.filter(pk=1).exclude(mirror_of="").exists()
