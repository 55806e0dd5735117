# The audit log's models moved here from the transparency app. Their tables were created by
# transparency's first migration and keep their names, so this only moves them in Django's
# state: the database is not touched, on a new installation or an existing one.

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("transparency", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AuditEntry",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("seq", models.PositiveBigIntegerField(unique=True)),
                        ("at", models.CharField(max_length=40)),
                        ("actor", models.CharField(max_length=100)),
                        ("action", models.CharField(max_length=100)),
                        ("object_type", models.CharField(max_length=100)),
                        ("object_id", models.CharField(max_length=100)),
                        ("digest", models.CharField(max_length=64)),
                        ("prev_hash", models.CharField(max_length=64, unique=True)),
                        ("hash", models.CharField(max_length=64, unique=True)),
                        ("payload", models.JSONField(null=True)),
                    ],
                    options={"db_table": "transparency_auditentry", "ordering": ["seq"]},
                ),
                migrations.CreateModel(
                    name="AuditHead",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("seq", models.PositiveBigIntegerField(default=0)),
                        ("hash", models.CharField(max_length=64)),
                    ],
                    options={"db_table": "transparency_audithead"},
                ),
            ],
            database_operations=[],
        ),
    ]
