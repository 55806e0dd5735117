from django.db import models


class Installation(models.Model):
    """Facts about this installation; one row."""

    has_synthetic_data = models.BooleanField(default=False)

    def __str__(self) -> str:
        return "installation"
