"""How many cadres of each unit have a given character in their name (cadres_unit_gram_count),
kept by statement-level triggers like the per-unit counts of 0003. A one-character search (王,
李: the most common kind) matches a share of every unit, so counting its rows reads one table
row per match: 11,000 heap rows for 王 at 1,000,000 cadres. Summed from here it reads one index
entry per unit that has such a name instead (the key INCLUDEs the count: an index-only scan
once autovacuum has been by). PostgreSQL only."""

from django.db import migrations

GRAM_COUNT_SQL = [
    """CREATE TABLE cadres_unit_gram_count (
        gram text NOT NULL,
        unit_id bigint NOT NULL,
        cadres bigint NOT NULL,
        PRIMARY KEY (gram, unit_id) INCLUDE (cadres)
    )""",
    """CREATE OR REPLACE FUNCTION cadres_cadre_gram_count_apply() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            INSERT INTO cadres_unit_gram_count AS c (gram, unit_id, cadres)
                SELECT g.gram, r.unit_id, count(*)
                FROM new_rows AS r CROSS JOIN LATERAL jsonb_array_elements_text(r.name_grams) AS g(gram)
                WHERE length(g.gram) = 1 GROUP BY g.gram, r.unit_id
                ON CONFLICT (gram, unit_id) DO UPDATE SET cadres = c.cadres + EXCLUDED.cadres;
        ELSIF TG_OP = 'DELETE' THEN
            UPDATE cadres_unit_gram_count AS c SET cadres = c.cadres - d.n
                FROM (
                    SELECT g.gram, r.unit_id, count(*) AS n
                    FROM old_rows AS r CROSS JOIN LATERAL jsonb_array_elements_text(r.name_grams) AS g(gram)
                    WHERE length(g.gram) = 1 GROUP BY g.gram, r.unit_id
                ) AS d
                WHERE c.gram = d.gram AND c.unit_id = d.unit_id;
        ELSE
            INSERT INTO cadres_unit_gram_count AS c (gram, unit_id, cadres)
                SELECT gram, unit_id, sum(n) FROM (
                    SELECT g.gram, r.unit_id, 1 AS n
                    FROM new_rows AS r CROSS JOIN LATERAL jsonb_array_elements_text(r.name_grams) AS g(gram)
                    WHERE length(g.gram) = 1
                    UNION ALL
                    SELECT g.gram, r.unit_id, -1
                    FROM old_rows AS r CROSS JOIN LATERAL jsonb_array_elements_text(r.name_grams) AS g(gram)
                    WHERE length(g.gram) = 1
                ) AS moves GROUP BY gram, unit_id HAVING sum(n) <> 0
                ON CONFLICT (gram, unit_id) DO UPDATE SET cadres = c.cadres + EXCLUDED.cadres;
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE OR REPLACE FUNCTION cadres_cadre_gram_count_clear() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM cadres_unit_gram_count;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER cadres_cadre_gram_count_insert AFTER INSERT ON cadres_cadre
        REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION cadres_cadre_gram_count_apply()""",
    """CREATE TRIGGER cadres_cadre_gram_count_update AFTER UPDATE ON cadres_cadre
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION cadres_cadre_gram_count_apply()""",
    """CREATE TRIGGER cadres_cadre_gram_count_delete AFTER DELETE ON cadres_cadre
        REFERENCING OLD TABLE AS old_rows
        FOR EACH STATEMENT EXECUTE FUNCTION cadres_cadre_gram_count_apply()""",
    """CREATE TRIGGER cadres_cadre_gram_count_truncate AFTER TRUNCATE ON cadres_cadre
        FOR EACH STATEMENT EXECUTE FUNCTION cadres_cadre_gram_count_clear()""",
    """INSERT INTO cadres_unit_gram_count (gram, unit_id, cadres)
        SELECT g.gram, r.unit_id, count(*)
        FROM cadres_cadre AS r CROSS JOIN LATERAL jsonb_array_elements_text(r.name_grams) AS g(gram)
        WHERE length(g.gram) = 1 GROUP BY g.gram, r.unit_id""",
    "ANALYZE cadres_unit_gram_count",
]
UNCOUNT_SQL = [
    "DROP TRIGGER IF EXISTS cadres_cadre_gram_count_insert ON cadres_cadre",
    "DROP TRIGGER IF EXISTS cadres_cadre_gram_count_update ON cadres_cadre",
    "DROP TRIGGER IF EXISTS cadres_cadre_gram_count_delete ON cadres_cadre",
    "DROP TRIGGER IF EXISTS cadres_cadre_gram_count_truncate ON cadres_cadre",
    "DROP FUNCTION IF EXISTS cadres_cadre_gram_count_apply()",
    "DROP FUNCTION IF EXISTS cadres_cadre_gram_count_clear()",
    "DROP TABLE IF EXISTS cadres_unit_gram_count",
]


def postgres_only(sql_list):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in sql_list:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("cadres", "0007_cadre_name_search_and_counts"),
    ]

    operations = [
        migrations.RunPython(postgres_only(GRAM_COUNT_SQL), postgres_only(UNCOUNT_SQL)),
    ]
