# The audit log's models now belong to the audit app (see audit/migrations/0001_initial.py);
# this removes them from transparency's state only. The tables stay where they are.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("transparency", "0001_initial"),
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="AuditEntry"),
                migrations.DeleteModel(name="AuditHead"),
            ],
            database_operations=[],
        ),
    ]
