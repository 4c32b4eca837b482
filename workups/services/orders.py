"""Test orders: created with a due time their priority sets, moved only along ORDER_TRANSITIONS."""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from assessments.engine.vocabulary import TRIAGE_TABLE
from assessments.models import Assessment, Triage
from clinics.models import AuditAction, AuditChannel, User
from clinics.services import ClientRequest
from patients.models import Infant
from patients.services import infant_record_audit
from workups.models import (
    ORDER_FOR_ENGINE_CODE,
    ORDER_TRANSITIONS,
    OrderEvent,
    OrderStatus,
    Priority,
    Result,
    TestOrder,
)

PRIORITY_FOR_TRIAGE: dict[str, Priority] = {
    Triage(level.code): Priority(level.order_priority) for level in TRIAGE_TABLE
}


def infants_record_open_orders(*, infants: QuerySet[Infant]) -> None:
    """Store on each infant how many of its orders are open (the dashboard shows and filters on
    it), in the transaction that created or moved the order; the infants are locked first."""
    list(infants.select_for_update().order_by("pk").values_list("pk", flat=True))
    infants.update(
        open_order_count=Coalesce(
            Subquery(
                TestOrder.objects.open()
                .filter(infant=OuterRef("pk"))
                .values("infant")
                .annotate(n=Count("id"))
                .values("n")[:1]
            ),
            0,
        )
    )


@transaction.atomic
def order_create(
    *,
    infant: Infant,
    test: str,
    priority: str,
    ordered_by: User,
    assessment: Assessment | None = None,
    reason_text: str = "",
    channel: AuditChannel = AuditChannel.WEB,
    request: ClientRequest | None = None,
    now: datetime | None = None,
) -> TestOrder:
    """An order is due within the hours its priority allows and always says why it was made."""
    now = now or timezone.now()
    if assessment is not None and assessment.infant_id != infant.pk:
        raise ValidationError({"assessment": "That assessment is about another infant."})
    order = TestOrder(
        infant=infant,
        test=test,
        priority=priority,
        due_by=now + timedelta(hours=settings.WORKUP_ORDER_DUE_HOURS[priority]),
        assessment=assessment,
        reason_text=reason_text,
        ordered_by=ordered_by,
        created_at=now,
    )
    if assessment is None and not reason_text.strip():
        raise ValidationError({"reason_text": "Say why the test is ordered."})
    order.full_clean()
    order.save()
    infants_record_open_orders(infants=Infant.objects.filter(pk=infant.pk))
    OrderEvent.objects.create(
        order=order, to_status=OrderStatus.ORDERED, actor=ordered_by, occurred_at=now
    )
    infant_record_audit(
        actor=ordered_by,
        action=AuditAction.CREATE,
        resource="test_order",
        infant=infant,
        object_uuid=order.uuid,
        channel=channel,
        request=request,
        detail={"test": test, "priority": priority},
    )
    return order


@transaction.atomic
def orders_from_assessment(
    *,
    assessment: Assessment,
    ordered_by: User,
    codes: list[str] | None = None,
    channel: AuditChannel = AuditChannel.WEB,
    request: ClientRequest | None = None,
    now: datetime | None = None,
) -> list[TestOrder]:
    """One click orders every test the assessment recommends (or those of `codes` among them)
    that is not already on order for the infant; the priority follows the assessment's triage."""
    priority = PRIORITY_FOR_TRIAGE.get(assessment.triage, Priority.ROUTINE)
    on_order = set(
        TestOrder.objects.open().filter(infant=assessment.infant).values_list("test", flat=True)
    )
    wanted = [
        ORDER_FOR_ENGINE_CODE[code]
        for code in assessment.recommended_tests
        if code in ORDER_FOR_ENGINE_CODE and (codes is None or code in codes)
    ]
    return [
        order_create(
            infant=assessment.infant,
            test=test,
            priority=priority,
            ordered_by=ordered_by,
            assessment=assessment,
            channel=channel,
            request=request,
            now=now,
        )
        for test in dict.fromkeys(wanted)
        if test not in on_order
    ]


@transaction.atomic
def order_transition(
    *,
    order: TestOrder,
    to_status: OrderStatus,
    actor: User | None,
    reason: str = "",
    channel: AuditChannel = AuditChannel.WEB,
    request: ClientRequest | None = None,
    at: datetime | None = None,
) -> TestOrder:
    """An order moves only along ORDER_TRANSITIONS; a cancellation needs a reason; every move is
    an OrderEvent with who and when."""
    at = at or timezone.now()
    order = TestOrder.objects.select_for_update().get(pk=order.pk)
    allowed = ORDER_TRANSITIONS[order.status]
    if to_status not in allowed:
        raise ValidationError(
            {
                "to_status": f"An order that is {order.get_status_display().lower()} cannot "
                f"become {to_status}; allowed: {', '.join(sorted(allowed)) or 'none'}."
            }
        )
    if to_status == OrderStatus.CANCELLED:
        if not reason.strip():
            raise ValidationError({"reason": "Say why the order is cancelled."})
        order.cancel_reason = reason.strip()[:300]
    if to_status == OrderStatus.RESULTED and not Result.objects.filter(order=order).exists():
        raise ValidationError({"to_status": "An order is resulted by recording its result."})
    from_status = order.status
    order.status = to_status
    order.full_clean()
    order.save(update_fields=["status", "cancel_reason", "updated_at"])
    infants_record_open_orders(infants=Infant.objects.filter(pk=order.infant_id))
    OrderEvent.objects.create(
        order=order,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        occurred_at=at,
        note=reason[:300],
    )
    infant_record_audit(
        actor=actor,
        action=AuditAction.UPDATE,
        resource="test_order",
        infant=order.infant,
        object_uuid=order.uuid,
        channel=channel,
        request=request,
        detail={"from": from_status, "to": to_status},
    )
    return order
