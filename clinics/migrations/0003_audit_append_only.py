"""The audit trail is append-only: the database itself refuses UPDATE and DELETE on it."""

from django.db import migrations

POSTGRES_FORWARD = """
CREATE OR REPLACE FUNCTION clinics_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: % refused on clinics_auditevent', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER clinics_auditevent_no_update BEFORE UPDATE ON clinics_auditevent
    FOR EACH ROW EXECUTE FUNCTION clinics_auditevent_append_only();
CREATE TRIGGER clinics_auditevent_no_delete BEFORE DELETE ON clinics_auditevent
    FOR EACH ROW EXECUTE FUNCTION clinics_auditevent_append_only();
CREATE TRIGGER clinics_auditevent_no_truncate BEFORE TRUNCATE ON clinics_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION clinics_auditevent_append_only();
"""
POSTGRES_REVERSE = """
DROP TRIGGER IF EXISTS clinics_auditevent_no_update ON clinics_auditevent;
DROP TRIGGER IF EXISTS clinics_auditevent_no_delete ON clinics_auditevent;
DROP TRIGGER IF EXISTS clinics_auditevent_no_truncate ON clinics_auditevent;
DROP FUNCTION IF EXISTS clinics_auditevent_append_only();
"""
SQLITE_FORWARD = [
    """CREATE TRIGGER clinics_auditevent_no_update BEFORE UPDATE ON clinics_auditevent
       BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: UPDATE refused'); END;""",
    """CREATE TRIGGER clinics_auditevent_no_delete BEFORE DELETE ON clinics_auditevent
       BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: DELETE refused'); END;""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS clinics_auditevent_no_update;",
    "DROP TRIGGER IF EXISTS clinics_auditevent_no_delete;",
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FORWARD, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)


def reverse(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_REVERSE, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_REVERSE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("clinics", "0002_audit_event")]

    operations = [migrations.RunPython(forward, reverse)]
