"""The one error the engine raises for input it will not interpret."""

from typing import Any


class CaseError(ValueError):
    """A case (or a lab value) the engine refuses to guess about.

    ``field`` is a dotted path into the case (``episodes[0].state``); ``allowed`` lists the values
    that would have been accepted (empty when the problem is a type or a range, not a vocabulary).
    """

    def __init__(self, field: str, message: str, allowed: list[Any] | tuple[Any, ...] = ()) -> None:
        self.field = field
        self.allowed = list(allowed)
        text = f"{field}: {message}"
        if self.allowed:
            text += " (allowed: " + ", ".join(str(value) for value in self.allowed) + ")"
        super().__init__(text)
