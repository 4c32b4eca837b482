"""Model fields the database layer needs beyond Django's own."""

import json
import uuid
from typing import cast

from django.db import models


class UUIDListField(models.Field):
    """A list of UUIDs: `uuid[]` on PostgreSQL (searched through a GIN index), a JSON array on
    SQLite (the embedded default of `make demo`). `field__includes=<uuid>` finds the rows whose
    list holds that UUID on both."""

    description = "A list of UUIDs"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def db_type(self, connection) -> str:
        return "uuid[]" if connection.vendor == "postgresql" else "text"

    def to_python(self, value):
        if value is None:
            return []
        if isinstance(value, str):
            value = json.loads(value)
        return [item if isinstance(item, uuid.UUID) else uuid.UUID(str(item)) for item in value]

    def from_db_value(self, value, expression, connection):
        return self.to_python(value)

    def get_db_prep_value(self, value, connection, prepared=False):
        if value is None:
            return None
        values = self.to_python(value)
        if connection.vendor == "postgresql":
            return values
        return json.dumps([str(item) for item in values])

    def value_to_string(self, obj) -> str:
        values = cast("list[uuid.UUID]", self.value_from_object(obj) or [])
        return json.dumps([str(item) for item in values])


@UUIDListField.register_lookup
class Includes(models.Lookup):
    """`infant_uuids__includes=<uuid>`: the list holds this UUID."""

    lookup_name = "includes"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        value = value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
        return "%s", [value if connection.vendor == "postgresql" else str(value)]

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} @> ARRAY[{rhs}]::uuid[]", [*lhs_params, *rhs_params]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        # lhs is a column reference and rhs a placeholder: the values travel as parameters.
        sql = f"EXISTS (SELECT 1 FROM json_each({lhs}) WHERE json_each.value = {rhs})"  # noqa: S608
        return sql, [*lhs_params, *rhs_params]
