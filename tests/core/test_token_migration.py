"""The move to hashed tokens (core.0012_tokens_hashed): a key issued by DRF's authtoken keeps
working, now stored only as a digest and expiring; the table of plain keys is gone."""

import importlib

import pytest
from django.apps import apps
from django.db import connection
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class _Editor:
    """The part of a schema editor carry_over uses (SQLite's cannot open inside a test)."""

    connection = connection

    def execute(self, sql):
        with connection.cursor() as cursor:
            cursor.execute(sql)


OLD_KEY = "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"


def test_plain_keys_are_carried_over_hashed_and_their_table_dropped(tree):
    user = UserFactory(username="legacy", units=[tree["district"]])
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, user_id bigint NOT NULL,"
            " created timestamp with time zone NOT NULL)"
        )
        cursor.execute(
            "INSERT INTO authtoken_token (key, user_id, created)"
            " VALUES (%s, %s, CURRENT_TIMESTAMP)",
            [OLD_KEY, user.pk],
        )
    migration = importlib.import_module("core.migrations.0012_tokens_hashed")
    migration.carry_over(apps, _Editor())

    assert "authtoken_token" not in connection.introspection.table_names()
    stored = AuthToken.objects.get(user=user)
    assert OLD_KEY not in (stored.digest, stored.token_key) and stored.expiry is not None
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {OLD_KEY}")
    assert client.get("/api/v1/cadres/").status_code == 200
