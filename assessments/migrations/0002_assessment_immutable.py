"""An assessment is a record of what the engine concluded from what it was given; the database
refuses to change one."""

from django.db import migrations

POSTGRES_FORWARD = """
CREATE OR REPLACE FUNCTION assessments_assessment_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'assessments are immutable: UPDATE refused on assessments_assessment'
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER assessments_assessment_no_update BEFORE UPDATE ON assessments_assessment
    FOR EACH ROW EXECUTE FUNCTION assessments_assessment_immutable();
"""
POSTGRES_REVERSE = """
DROP TRIGGER IF EXISTS assessments_assessment_no_update ON assessments_assessment;
DROP FUNCTION IF EXISTS assessments_assessment_immutable();
"""
SQLITE_FORWARD = """CREATE TRIGGER assessments_assessment_no_update
    BEFORE UPDATE ON assessments_assessment
    BEGIN SELECT RAISE(ABORT, 'assessments are immutable: UPDATE refused'); END;"""
SQLITE_REVERSE = "DROP TRIGGER IF EXISTS assessments_assessment_no_update;"


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
    dependencies = [("assessments", "0001_initial")]

    operations = [migrations.RunPython(forward, reverse)]
