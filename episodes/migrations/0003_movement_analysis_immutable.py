"""A movement analysis records what one algorithm version measured in one file; the database
refuses to change one (a new version adds a row)."""

from django.db import migrations

POSTGRES_FORWARD = """
CREATE OR REPLACE FUNCTION episodes_movementanalysis_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'movement analyses are immutable: UPDATE refused on episodes_movementanalysis'
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER episodes_movementanalysis_no_update BEFORE UPDATE ON episodes_movementanalysis
    FOR EACH ROW EXECUTE FUNCTION episodes_movementanalysis_immutable();
"""
POSTGRES_REVERSE = """
DROP TRIGGER IF EXISTS episodes_movementanalysis_no_update ON episodes_movementanalysis;
DROP FUNCTION IF EXISTS episodes_movementanalysis_immutable();
"""
SQLITE_FORWARD = """CREATE TRIGGER episodes_movementanalysis_no_update
    BEFORE UPDATE ON episodes_movementanalysis
    BEGIN SELECT RAISE(ABORT, 'movement analyses are immutable: UPDATE refused'); END;"""
SQLITE_REVERSE = "DROP TRIGGER IF EXISTS episodes_movementanalysis_no_update;"


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FORWARD, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_FORWARD, params=None)


def reverse(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_REVERSE, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_REVERSE, params=None)


class Migration(migrations.Migration):
    dependencies = [("episodes", "0002_movement_analysis")]

    operations = [migrations.RunPython(forward, reverse)]
