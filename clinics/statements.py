"""Read statements compiled once per process, for the reads every API request makes.

Django builds a queryset and compiles its SQL on every evaluation: for the token lookup (four
tables joined) and the episode list's page that was about half of a list request's Python time
(docs/scaling.md). A `CompiledQuery` compiles a `.values()` queryset once per shape, built with
placeholders where a request's own values go, and then runs that SQL with each request's values
in those places, through the converters the queryset would apply: the same statement, the same
rows.

A statement may depend on nothing but its placeholders (no clock, no setting read while it is
built, no value of the request that is not a placeholder): on first use it is built twice, with
different placeholders, and refused unless both give the same SQL and the same other
parameters. What else the shape depends on (a reader's role, the filters present, the page's
slice) is the caller's `shape` key.
"""

import secrets
import threading
import uuid
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.db.models import QuerySet


def _placeholder(kind: type) -> Any:
    """A value of `kind` that no real parameter has."""
    if kind is str:
        return f"placeholder-{secrets.token_hex(16)}"
    if kind is int:
        return -(2**40) - secrets.randbelow(2**40)
    if kind is uuid.UUID:
        return uuid.uuid4()
    if kind is datetime:
        return datetime(1000, 1, 1, tzinfo=UTC) + timedelta(microseconds=secrets.randbelow(10**15))
    raise ImproperlyConfigured(f"No placeholder for {kind.__name__} parameters.")


@dataclass(frozen=True)
class _Statement:
    using: str
    sql: str
    params: tuple[Any, ...]
    # (index in params, placeholder name): where each request's values go.
    slots: tuple[tuple[int, str], ...]
    uses: frozenset[str]
    names: tuple[str, ...]
    converters: tuple[tuple[int, tuple[Callable[..., Any], ...], Any], ...]


class CompiledQuery:
    """`rows(shape, **values)`: the rows of `build(shape, **values)` (a `.values()` queryset),
    from SQL compiled once per `shape`. `placeholders` names `build`'s keyword arguments and
    their types (str, int, UUID, datetime); a call passes the values its shape's statement
    uses, and only those."""

    # Shapes kept per process; a page's slice is part of its shape, so the set is bounded.
    MAX_SHAPES = 256

    def __init__(self, build: Callable[..., QuerySet[Any, Any]], **placeholders: type) -> None:
        self._build = build
        self._placeholders = placeholders
        self._statements: dict[Hashable, _Statement] = {}
        self._lock = threading.Lock()

    def rows(self, shape: Hashable, **values: Any) -> list[dict[str, Any]]:
        statement, params = self.bound(shape, **values)
        connection = connections[statement.using]
        with connection.cursor() as cursor:
            cursor.execute(statement.sql, params)
            rows = cursor.fetchall()
        if statement.converters:
            rows = [list(row) for row in rows]
        for position, converters, expression in statement.converters:
            for row in rows:
                value = row[position]
                for converter in converters:
                    value = converter(value, expression, connection)
                row[position] = value
        return [dict(zip(statement.names, row, strict=True)) for row in rows]

    def bound(self, shape: Hashable, **values: Any) -> tuple[_Statement, list[Any]]:
        """The statement of `shape` and its parameters with these values in their places."""
        for name, value in values.items():
            if not isinstance(value, self._placeholders[name]):
                raise TypeError(f"{name} must be a {self._placeholders[name].__name__}.")
        statement = self._statements.get(shape) or self._compile(shape, values)
        if values.keys() != statement.uses:
            raise TypeError(f"{shape!r} takes {sorted(statement.uses)}.")
        params = list(statement.params)
        for index, name in statement.slots:
            params[index] = values[name]
        return statement, params

    def _compile(self, shape: Hashable, values: dict[str, Any]) -> _Statement:
        first, second = (
            {name: _placeholder(kind) for name, kind in self._placeholders.items()}
            for _ in range(2)
        )
        queryset = self._build(shape, **first)
        compiler = queryset.query.get_compiler(queryset.db)
        sql, params = compiler.as_sql()
        other = self._build(shape, **second)
        other_sql, other_params = other.query.get_compiler(other.db).as_sql()
        slots = []
        for index, (one, two) in enumerate(zip(params, other_params, strict=True)):
            name = next((n for n, value in first.items() if _same(one, value)), None)
            if name is not None and _same(two, second[name]):
                slots.append((index, name))
            elif name is not None or not _same(one, two):
                raise ImproperlyConfigured(
                    f"{shape!r}: parameter {index} depends on more than the placeholders."
                )
        if sql != other_sql:
            raise ImproperlyConfigured(f"{shape!r}: the SQL depends on more than the shape.")
        used = {name for _, name in slots}
        if used != set(values):
            raise ImproperlyConfigured(
                f"{shape!r}: the statement uses {sorted(used)}, the call passes {sorted(values)}."
            )
        query = queryset.query
        names = tuple(
            query.selected or (*query.extra_select, *query.values_select, *query.annotation_select)
        )
        fields = [selected[0] for selected in compiler.select[: compiler.col_count]]
        statement = _Statement(
            using=queryset.db,
            sql=sql,
            params=tuple(params),
            slots=tuple(slots),
            uses=frozenset(used),
            names=names,
            converters=tuple(
                (position, tuple(converters), expression)
                for position, (converters, expression) in compiler.get_converters(fields).items()
            ),
        )
        with self._lock:
            if len(self._statements) >= self.MAX_SHAPES:
                self._statements.clear()
            self._statements[shape] = statement
        return statement


def _same(param: Any, value: Any) -> bool:
    return type(param) is type(value) and param == value
