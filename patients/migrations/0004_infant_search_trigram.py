"""Trigram indexes for the infant search (name contains, on PostgreSQL only).

`InfantQuerySet.search` asks `given_name`/`family_name` `icontains`, which PostgreSQL runs as
`UPPER(col::text) LIKE UPPER('%text%')`: no b-tree can serve a leading wildcard, so each search read
every infant of the clinic. GIN trigram indexes on exactly those expressions let the planner find
the matches directly. SQLite (the demo) has no pg_trgm and keeps scanning, which is fine at its
size; the indexes live here and not in Meta.indexes for that reason.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

# The search ORs the names with `mrn iexact`: unless that branch has an index on its expression
# too, the planner cannot combine the trigram indexes (BitmapOr) and scans the table anyway.
INDEXES = {
    "infant_given_name_trgm": 'USING gin ((UPPER("given_name"::text)) gin_trgm_ops)',
    "infant_family_name_trgm": 'USING gin ((UPPER("family_name"::text)) gin_trgm_ops)',
    "infant_mrn_upper": '((UPPER("mrn"::text)))',
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, expression in INDEXES.items():
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "patients_infant" {expression}')


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("patients", "0003_assessment_request_and_standing")]

    operations = [
        TrigramExtension(),  # a no-op on other databases
        migrations.RunPython(create, drop),
    ]
