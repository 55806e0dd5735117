# Tokens get a scope, an expiry and the digest of their owner's credentials. Tokens made
# before this had none of these and could act for ever: they are ended (expired, with a
# digest no credentials match) and must be made again (docs/operations.md, *API tokens*).

from django.db import migrations, models
from django.utils import timezone


def end_old_tokens(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    ApiToken.objects.update(expires_at=timezone.now(), credentials="", scope="write")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_reset_attempts")]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="scope",
            field=models.CharField(
                choices=[("read", "Read only"), ("write", "Read and write")],
                default="read",
                max_length=10,
                verbose_name="scope",
            ),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="credentials",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.RunPython(end_old_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(),
        ),
    ]
