"""Query strings never reach a log: a search by name, medical record number or date of birth
travels in `?search=` (docs/security.md, "Query strings and logs")."""

import logging
import re

_QUERY = re.compile(r"\?[^\s\"]*")


def without_query_string(text: str) -> str:
    return _QUERY.sub("", text)


class DropQueryStrings(logging.Filter):
    """Removes the query string from every URL in a record's message and arguments (the
    development server logs whole request lines)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = without_query_string(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(
                without_query_string(arg) if isinstance(arg, str) else arg for arg in record.args
            )
        return True
