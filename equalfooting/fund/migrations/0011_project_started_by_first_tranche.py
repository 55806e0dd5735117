"""A project moves from "approved" to "in progress" when its first tranche is paid; projects
paid before this rule move now, so that the list of projects to pay reads the status alone."""

from django.db import migrations, models


def start_paid_projects(apps, schema_editor):  # type: ignore[no-untyped-def]
    Project = apps.get_model("fund", "Project")
    LedgerTransaction = apps.get_model("fund", "LedgerTransaction")
    paid = set(
        LedgerTransaction.objects.filter(kind="disbursement")
        .exclude(reference="")
        .values_list("reference", flat=True)
        .distinct()
    )
    started = [
        pk
        for pk in Project.objects.filter(status="approved").values_list("pk", flat=True)
        if f"PRJ-{pk:05d}" in paid
    ]
    for chunk in range(0, len(started), 1000):
        Project.objects.filter(pk__in=started[chunk : chunk + 1000]).update(status="in_progress")


class Migration(migrations.Migration):
    dependencies = [
        ("fund", "0010_transaction_reference_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="project",
            index=models.Index(fields=["status"], name="project_status"),
        ),
        migrations.RunPython(start_paid_projects, migrations.RunPython.noop),
    ]
