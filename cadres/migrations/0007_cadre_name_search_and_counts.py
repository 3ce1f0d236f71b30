"""The name search columns (cadres.search) with their GIN index, and the cadre count per unit
(cadres.counts) kept by triggers. The index, the table and the triggers are PostgreSQL's: on
SQLite the search is a LIKE on `name_search` and counts are plain COUNT(*)s."""

from django.db import migrations, models

# cadres_unit_cadre_count: how many cadres each unit holds, kept exact by statement-level
# triggers (one aggregated upsert per INSERT, UPDATE, DELETE or COPY statement, however many rows
# it touches). No foreign key: a unit's row may outlive the unit at 0, and joins drop it.
COUNT_SQL = [
    """CREATE TABLE cadres_unit_cadre_count (
        unit_id bigint PRIMARY KEY,
        cadres bigint NOT NULL
    )""",
    """CREATE OR REPLACE FUNCTION cadres_cadre_count_apply() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            INSERT INTO cadres_unit_cadre_count AS c (unit_id, cadres)
                SELECT unit_id, count(*) FROM new_rows GROUP BY unit_id
                ON CONFLICT (unit_id) DO UPDATE SET cadres = c.cadres + EXCLUDED.cadres;
        ELSIF TG_OP = 'DELETE' THEN
            UPDATE cadres_unit_cadre_count AS c SET cadres = c.cadres - d.n
                FROM (SELECT unit_id, count(*) AS n FROM old_rows GROUP BY unit_id) AS d
                WHERE c.unit_id = d.unit_id;
        ELSE
            INSERT INTO cadres_unit_cadre_count AS c (unit_id, cadres)
                SELECT unit_id, sum(n) FROM (
                    SELECT unit_id, 1 AS n FROM new_rows
                    UNION ALL SELECT unit_id, -1 FROM old_rows
                ) AS moves GROUP BY unit_id HAVING sum(n) <> 0
                ON CONFLICT (unit_id) DO UPDATE SET cadres = c.cadres + EXCLUDED.cadres;
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE OR REPLACE FUNCTION cadres_cadre_count_clear() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM cadres_unit_cadre_count;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER cadres_cadre_count_insert AFTER INSERT ON cadres_cadre
        REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION cadres_cadre_count_apply()""",
    """CREATE TRIGGER cadres_cadre_count_update AFTER UPDATE ON cadres_cadre
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION cadres_cadre_count_apply()""",
    """CREATE TRIGGER cadres_cadre_count_delete AFTER DELETE ON cadres_cadre
        REFERENCING OLD TABLE AS old_rows
        FOR EACH STATEMENT EXECUTE FUNCTION cadres_cadre_count_apply()""",
    """CREATE TRIGGER cadres_cadre_count_truncate AFTER TRUNCATE ON cadres_cadre
        FOR EACH STATEMENT EXECUTE FUNCTION cadres_cadre_count_clear()""",
    """INSERT INTO cadres_unit_cadre_count (unit_id, cadres)
        SELECT unit_id, count(*) FROM cadres_cadre GROUP BY unit_id""",
]
UNCOUNT_SQL = [
    "DROP TRIGGER IF EXISTS cadres_cadre_count_insert ON cadres_cadre",
    "DROP TRIGGER IF EXISTS cadres_cadre_count_update ON cadres_cadre",
    "DROP TRIGGER IF EXISTS cadres_cadre_count_delete ON cadres_cadre",
    "DROP TRIGGER IF EXISTS cadres_cadre_count_truncate ON cadres_cadre",
    "DROP FUNCTION IF EXISTS cadres_cadre_count_apply()",
    "DROP FUNCTION IF EXISTS cadres_cadre_count_clear()",
    "DROP TABLE IF EXISTS cadres_unit_cadre_count",
]


def backfill_search(apps, schema_editor):
    from cadres.search import search_fields

    Cadre = apps.get_model("cadres", "Cadre")
    batch = []
    for cadre in Cadre.objects.only("pk", "name").iterator(chunk_size=2000):
        for field, value in search_fields(cadre.name).items():
            setattr(cadre, field, value)
        batch.append(cadre)
        if len(batch) == 2000:
            Cadre.objects.bulk_update(batch, ["name_search", "name_grams"])
            batch = []
    if batch:
        Cadre.objects.bulk_update(batch, ["name_search", "name_grams"])


def postgres_only(sql_list):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in sql_list:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("cadres", "0006_cadre_account_related_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="cadre",
            name="name_search",
            field=models.TextField(default="", editable=False),
        ),
        migrations.AddField(
            model_name="cadre",
            name="name_grams",
            field=models.JSONField(default=list, editable=False),
        ),
        migrations.RunPython(backfill_search, migrations.RunPython.noop),
        migrations.RunPython(
            postgres_only(
                [
                    "CREATE INDEX cadre_name_grams_idx ON cadres_cadre "
                    "USING gin (name_grams jsonb_path_ops)",
                    *COUNT_SQL,
                ]
            ),
            postgres_only([*UNCOUNT_SQL, "DROP INDEX IF EXISTS cadre_name_grams_idx"]),
        ),
    ]
