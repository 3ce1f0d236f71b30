"""API tokens move from DRF's authtoken (plain keys) to django-rest-knox (SHA-512 digests).

Each existing key is carried over: its digest is stored in knox's table, with the expiry a person's
token gets from now (REST_KNOX TOKEN_TTL), so clients keep working until then and must then ask for
a new token; the plain keys are then dropped with DRF's table. Nothing to do on a fresh database."""

from datetime import timedelta

from django.db import migrations
from django.utils import timezone


def carry_over(apps, schema_editor):
    connection = schema_editor.connection
    if "authtoken_token" not in connection.introspection.table_names():
        return
    from django.conf import settings
    from knox.crypto import hash_token

    AuthToken = apps.get_model("knox", "AuthToken")
    ttl = getattr(settings, "REST_KNOX", {}).get("TOKEN_TTL", timedelta(hours=10))
    expiry = timezone.now() + ttl
    with connection.cursor() as cursor:
        cursor.execute("SELECT key, user_id FROM authtoken_token")
        rows = cursor.fetchall()
    AuthToken.objects.bulk_create(
        [
            AuthToken(digest=hash_token(key), token_key=key[:15], user_id=user_id, expiry=expiry)
            for key, user_id in rows
        ],
        ignore_conflicts=True,
    )
    schema_editor.execute("DROP TABLE authtoken_token")
    schema_editor.execute("DELETE FROM django_migrations WHERE app = 'authtoken'")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0011_user_name_api_client"),
        ("knox", "0009_extend_authtoken_field"),
    ]

    operations = [migrations.RunPython(carry_over, migrations.RunPython.noop)]
