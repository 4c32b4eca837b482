"""Rows the database itself refuses to change: one migration operation for every app.

`refuse_changes(table, message=..., refused=("UPDATE",))` returns a `RunPython` that installs
BEFORE triggers: on PostgreSQL one plpgsql function raising `insufficient_privilege` (a
ProgrammingError in Django), on SQLite one `RAISE(ABORT)` trigger per statement (an
IntegrityError); other vendors are left alone. Its reverse drops them. Migrations written before
it (the audit trail, assessments, movement analyses) keep their own SQL, which has the same effect.
TRUNCATE is never refused: the test suite empties tables with it between transactional tests.
"""

from django.db import migrations


def _trigger(table: str, op: str) -> str:
    return f"{table}_no_{op.lower()}"


def refuse_changes(
    table: str, *, message: str, refused: tuple[str, ...] = ("UPDATE",)
) -> migrations.RunPython:
    function = f"{table}_refuse_changes"
    postgres_forward = [
        f"""CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{message}: % refused on {table}', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;""",
        *(
            f"CREATE TRIGGER {_trigger(table, op)} BEFORE {op} ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {function}();"
            for op in refused
        ),
    ]
    postgres_reverse = [
        *(f"DROP TRIGGER IF EXISTS {_trigger(table, op)} ON {table};" for op in refused),
        f"DROP FUNCTION IF EXISTS {function}();",
    ]
    sqlite_forward = [
        f"CREATE TRIGGER {_trigger(table, op)} BEFORE {op} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{message}: {op} refused'); END;"
        for op in refused
    ]
    sqlite_reverse = [f"DROP TRIGGER IF EXISTS {_trigger(table, op)};" for op in refused]
    statements = {
        "postgresql": (postgres_forward, postgres_reverse),
        "sqlite": (sqlite_forward, sqlite_reverse),
    }

    def run(direction: int):
        def step(apps, schema_editor) -> None:
            for statement in statements.get(schema_editor.connection.vendor, ([], []))[direction]:
                schema_editor.execute(statement, params=None)

        return step

    return migrations.RunPython(run(0), run(1))
