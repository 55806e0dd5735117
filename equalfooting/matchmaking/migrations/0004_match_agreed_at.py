"""When a match was agreed, so the public figures count agreements by their own date.

Matches agreed before this field existed take their last change as the best date known.
"""

from typing import Any

from django.db import migrations, models


def agreed_at_from_last_change(apps: Any, schema_editor: Any) -> None:
    match = apps.get_model("matchmaking", "Match")
    match.objects.filter(
        state_decision="accepted", provider_decision="confirmed", agreed_at=None
    ).update(agreed_at=models.F("updated_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("matchmaking", "0003_alter_match_provider_decision_and_more"),
    ]

    operations = [
        migrations.AddField(
            model_name="match",
            name="agreed_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(agreed_at_from_last_change, migrations.RunPython.noop),
    ]
