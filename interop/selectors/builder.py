"""The Bundle under construction: its entries, references and absolute links."""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.urls import reverse

from interop import fhir
from patients.models import Infant


def _instant(value: datetime | date) -> str:
    return value.isoformat()


def _ref(uuid_value: UUID | str) -> dict[str, Any]:
    return {"reference": fhir.urn(uuid_value)}


@dataclass
class _BundleBuilder:
    infant: Infant
    request: Any
    entries: list[dict[str, Any]] = field(default_factory=list)

    @property
    def patient_ref(self) -> dict[str, Any]:
        return {**_ref(self.infant.uuid), "display": self.infant.full_name}

    def add(
        self, object_uuid: UUID | str | None, resource: dict[str, Any], mode: str = "include"
    ) -> None:
        resource = {
            "resourceType": resource.pop("resourceType"),
            "id": str(object_uuid),
            **resource,
        }
        self.entries.append(
            {"fullUrl": fhir.urn(object_uuid), "resource": resource, "search": {"mode": mode}}
        )

    def absolute(self, name: str, **kwargs: Any) -> str:
        path = reverse(name, kwargs=kwargs)
        return self.request.build_absolute_uri(path) if self.request is not None else path
