"""Output serializers that list many rows without DRF's per-field machinery.

A list endpoint serialises 50 rows of 25-30 fields; DRF's `Serializer.to_representation` walks
each field through `get_attribute` and the field's own `to_representation` (about a third of a
list request's Python time in the benchmark). `FastOutputMixin` plans the fields once per
serializer class: plain text, integer and UUID fields become `str`/`int` on the attribute;
every other field (dates and times, decimals, booleans, nested serializers, method fields) still
goes through its DRF field, so the output is the same, and the declared fields still describe
the response in the API schema.
"""

from rest_framework import serializers

# Field classes whose DRF to_representation is exactly the builtin applied to a non-None value.
_PLAIN = {
    serializers.CharField: str,
    serializers.IntegerField: int,
}
# Field classes whose to_representation reads only the field's own arguments (never the parent
# serializer or its context): one instance serves every request.
_CONTEXT_FREE = (
    serializers.BooleanField,
    serializers.DateTimeField,
    serializers.DateField,
    serializers.DecimalField,
    serializers.FloatField,
    serializers.ListField,
    serializers.UUIDField,
)


def _converter(field):
    """A function of the value, or None when the field needs this request's serializer (nested
    serializers and method fields read the context)."""
    kind = type(field)
    if kind in _PLAIN:
        return _PLAIN[kind]
    if kind is serializers.UUIDField and field.uuid_format == "hex_verbose":
        return str
    if kind is serializers.ListField and type(field.child) is serializers.CharField:
        return lambda values: [None if value is None else str(value) for value in values]
    if kind is serializers.ListField and not isinstance(field.child, _CONTEXT_FREE):
        return None
    if isinstance(field, _CONTEXT_FREE):
        return field.to_representation
    return None


class FastOutputMixin:
    """For read-only output serializers whose sources are attributes (no callables, no
    `source="*"`). The instances may also be `.values()` rows: a dotted source `infant.uuid` is
    then the key `infant__uuid` (`values_keys()` lists them).

    The plan (name, attributes, converter) is made once per class from an instance without
    context; fields that need the request's context are taken from this serializer's own fields,
    and only when a row has a value for them (an empty list needs no serializer)."""

    @classmethod
    def _class_plan(cls):
        plan = cls.__dict__.get("_fast_plan")
        if plan is None:
            plan = [
                (field.field_name, tuple(field.source_attrs), _converter(field))
                for field in cls()._readable_fields
            ]
            cls._fast_plan = plan
        return plan

    @classmethod
    def values_keys(cls, *, exclude: tuple[str, ...] = ()) -> list[str]:
        """The `.values()` keys the fields read, except the fields named in `exclude`."""
        return ["__".join(attrs) for name, attrs, _ in cls._class_plan() if name not in exclude]

    def _bound(self, name):
        return self.fields[name].to_representation

    def to_representation(self, instance):
        representation = {}
        if isinstance(instance, dict):
            for name, attrs, convert in self._class_plan():
                value = instance["__".join(attrs)] if len(attrs) > 1 else instance[attrs[0]]
                if value is None:
                    representation[name] = None
                elif convert is None:
                    representation[name] = [] if value == [] else self._bound(name)(value)
                else:
                    representation[name] = convert(value)
            return representation
        for name, attrs, convert in self._class_plan():
            value = instance
            for attr in attrs:
                value = getattr(value, attr)
                if value is None:
                    break
            if value is None:
                representation[name] = None
            elif convert is None:
                representation[name] = self._bound(name)(value)
            else:
                representation[name] = convert(value)
        return representation
