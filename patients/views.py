"""Staff pages for the infant registry, the invitation page caregivers open from their email, and
the caregiver's view of who opened their child's record. Every infant is found through
`infants_visible_to`, so another clinic's or family's infant is a 404."""

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clinics.models import AuditAction, Role
from clinics.permissions import CAREGIVER, CLINICIANS, PUBLIC, STAFF, requires_roles
from clinics.selectors import has_role, membership_for
from clinics.services import InvitationRefused
from patients.development import MILESTONE_WINDOWS
from patients.forms import (
    AcceptInvitationForm,
    CaregiverPhoneForm,
    DevelopmentOverrideForm,
    InfantForm,
    InfantSearchForm,
    InvitationForm,
    MilestoneEntryForm,
)
from patients.models import Infant
from patients.selectors import (
    account_exists_for,
    infant_access_history,
    infant_development_status,
    infants_visible_to,
)
from patients.services import (
    caregiver_phone_update,
    guardianship_revoke,
    infant_development_override,
    infant_read_record,
    infant_register,
    infant_update,
    invitation_accept_existing_account,
    invitation_accept_new_account,
    invitation_for_token,
    invitation_revoke,
    invitation_send,
    milestone_record,
)

INFANTS_PER_PAGE = 25
ACCESS_HISTORY_ROWS = 100


def _visible_infant(request, infant_id) -> Infant:
    return get_object_or_404(
        infants_visible_to(request.user).select_related("clinic"), uuid=infant_id
    )


@requires_roles(*STAFF)
def infant_list(request):
    form = InfantSearchForm(request.GET or None)
    infants = infants_visible_to(request.user)
    if form.is_valid():
        infants = infants.search(form.cleaned_data["search"])
    page = Paginator(infants, INFANTS_PER_PAGE).get_page(request.GET.get("page"))
    infant_read_record(reader=request.user, infants=page, action=AuditAction.LIST, request=request)
    return render(
        request,
        "patients/infant_list.html",
        {"form": form, "page": page, "search": form.data.get("search", "")},
    )


@requires_roles(*STAFF)
def infant_register_page(request):
    clinic = membership_for(request.user).clinic
    form = InfantForm(request.POST or None, clinic=clinic)
    if request.method == "POST" and form.is_valid():
        try:
            infant = infant_register(
                clinic=clinic, registered_by=request.user, request=request, **form.service_fields()
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"{infant.full_name} is registered.")
            return redirect("patients:infant-detail", infant_id=infant.uuid)
    return render(
        request, "patients/infant_form.html", {"form": form, "title": "Register an infant"}
    )


@requires_roles(*STAFF)
def infant_edit(request, infant_id):
    infant = _visible_infant(request, infant_id)
    form = InfantForm(request.POST or None, clinic=infant.clinic, infant=infant)
    if request.method == "POST" and form.is_valid():
        try:
            infant_update(
                infant=infant, updated_by=request.user, request=request, **form.service_fields()
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "The record is updated.")
            return redirect("patients:infant-detail", infant_id=infant.uuid)
    else:
        infant_read_record(
            reader=request.user, infants=[infant], action=AuditAction.VIEW, request=request
        )
    return render(
        request,
        "patients/infant_form.html",
        {"form": form, "infant": infant, "title": f"Edit {infant.full_name}"},
    )


@requires_roles(*STAFF)
def infant_detail(request, infant_id):
    infant = _visible_infant(request, infant_id)
    infant_read_record(
        reader=request.user, infants=[infant], action=AuditAction.VIEW, request=request
    )
    is_admin = has_role(request.user, Role.CLINIC_ADMIN)
    return render(
        request,
        "patients/infant_detail.html",
        {
            "infant": infant,
            "development_status": infant_development_status(infant).label,
            "guardianships": infant.guardianships.active().select_related("caregiver"),
            "invitations": infant.invitations.pending(),
            "milestone_entries": infant.milestone_entries.select_related("recorded_by")[:10],
            "access_history": Paginator(
                infant_access_history(infant), ACCESS_HISTORY_ROWS
            ).get_page(request.GET.get("history_page"))
            if is_admin
            else None,
            "override_form": DevelopmentOverrideForm(
                initial={
                    "status": infant.development_status_override,
                    "reason": infant.development_override_reason,
                }
            ),
            "can_override": has_role(request.user, Role.PEDIATRICIAN, Role.CLINIC_ADMIN),
        },
    )


@requires_roles(*STAFF)
def caregiver_invite(request, infant_id):
    infant = _visible_infant(request, infant_id)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation_send(
                infant=infant,
                email=form.cleaned_data["email"],
                relationship=form.cleaned_data["relationship"],
                phone=form.cleaned_data["phone"],
                language=form.cleaned_data["language"],
                invited_by=request.user,
                request=request,
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"Invitation sent to {form.cleaned_data['email']}.")
            return redirect("patients:infant-detail", infant_id=infant.uuid)
    infant_read_record(
        reader=request.user,
        infants=[infant],
        action=AuditAction.VIEW,
        resource="invitation_form",
        request=request,
    )
    return render(request, "patients/caregiver_invite.html", {"form": form, "infant": infant})


@require_POST
@requires_roles(*STAFF)
def caregiver_revoke(request, infant_id, guardianship_id):
    infant = _visible_infant(request, infant_id)
    guardianship = get_object_or_404(
        infant.guardianships.select_related("caregiver"), uuid=guardianship_id
    )
    guardianship_revoke(guardianship=guardianship, revoked_by=request.user, request=request)
    messages.success(request, f"{guardianship.caregiver} no longer has access to this record.")
    return redirect("patients:infant-detail", infant_id=infant.uuid)


@require_POST
@requires_roles(*STAFF)
def caregiver_phone_edit(request, infant_id, guardianship_id):
    infant = _visible_infant(request, infant_id)
    guardianship = get_object_or_404(
        infant.guardianships.active().select_related("caregiver"), uuid=guardianship_id
    )
    form = CaregiverPhoneForm(request.POST)
    if form.is_valid():
        caregiver_phone_update(guardianship=guardianship, phone=form.cleaned_data["phone"],
                               updated_by=request.user, request=request)  # fmt: skip
        messages.success(request, f"Phone number of {guardianship.caregiver} saved.")
    else:
        messages.error(request, " ".join(form.errors.get("phone", ["Check the number."])))
    return redirect("patients:infant-detail", infant_id=infant.uuid)


@require_POST
@requires_roles(*STAFF)
def invitation_withdraw(request, infant_id, invitation_id):
    infant = _visible_infant(request, infant_id)
    invitation = get_object_or_404(infant.invitations, uuid=invitation_id)
    invitation_revoke(invitation=invitation, revoked_by=request.user, request=request)
    messages.success(request, f"The invitation to {invitation.email} is withdrawn.")
    return redirect("patients:infant-detail", infant_id=infant.uuid)


@requires_roles(*STAFF)
def milestones(request, infant_id):
    infant = _visible_infant(request, infant_id)
    form = MilestoneEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            milestone_record(
                infant=infant, recorded_by=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "Milestone recorded.")
            return redirect("patients:milestones", infant_id=infant.uuid)
    else:
        infant_read_record(
            reader=request.user,
            infants=[infant],
            action=AuditAction.VIEW,
            resource="milestone_entry",
            request=request,
        )
    return render(
        request,
        "patients/milestones.html",
        {
            "infant": infant,
            "form": form,
            "entries": infant.milestone_entries.select_related("recorded_by"),
            "windows": MILESTONE_WINDOWS.values(),
            "development_status": infant_development_status(infant).label,
        },
    )


@require_POST
@requires_roles(*CLINICIANS)
def development_override(request, infant_id):
    infant = _visible_infant(request, infant_id)
    form = DevelopmentOverrideForm(request.POST)
    if form.is_valid():
        try:
            infant_development_override(
                infant=infant,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                set_by=request.user,
                request=request,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Development status updated.")
    return redirect("patients:infant-detail", infant_id=infant.uuid)


@requires_roles(*PUBLIC)
def invitation_accept(request, token):
    """Open to anyone holding the link. A new caregiver sets a password here; an existing account
    must sign in first with the invited email address (a link alone never attaches a child to an
    account someone else may control)."""
    try:
        invitation = invitation_for_token(token)
    except InvitationRefused as refusal:
        return render(
            request, "patients/invitation_refused.html", {"reason": str(refusal)}, status=410
        )
    if invitation.language and not request.user.is_authenticated:
        # The language staff chose for this family, before they have an account to store it.
        translation.activate(invitation.language)
    context = {"invitation": invitation, "clinic": invitation.infant.clinic}
    if request.user.is_authenticated:
        if request.method == "POST":
            try:
                invitation_accept_existing_account(
                    raw_token=token, caregiver=request.user, request=request
                )
            except InvitationRefused as refusal:
                return render(
                    request,
                    "patients/invitation_refused.html",
                    {"reason": str(refusal)},
                    status=410,
                )
            messages.success(
                request, _("Invitation accepted. Your child is linked to your account.")
            )
            return redirect("home")
        return render(request, "patients/invitation_accept_signed_in.html", context)

    if account_exists_for(invitation.email):
        context["login_url"] = f"{reverse('login')}?next={request.path}"
        return render(request, "patients/invitation_sign_in_first.html", context)

    form = AcceptInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            caregiver = invitation_accept_new_account(
                raw_token=token,
                password=form.cleaned_data["password1"],
                full_name=form.cleaned_data["full_name"],
                request=request,
            )
        except InvitationRefused as refusal:
            return render(
                request, "patients/invitation_refused.html", {"reason": str(refusal)}, status=410
            )
        login(request, caregiver, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request, _("Welcome. Your account is ready and your child is linked to it.")
        )
        return redirect("home")
    context["form"] = form
    return render(request, "patients/invitation_accept.html", context)


@requires_roles(CAREGIVER)
def child_access_history(request, infant_id):
    """A caregiver sees which clinic staff opened their child's record."""
    infant = _visible_infant(request, infant_id)
    infant_read_record(
        reader=request.user,
        infants=[infant],
        action=AuditAction.VIEW,
        resource="access_history",
        request=request,
    )
    return render(
        request,
        "patients/child_access_history.html",
        {
            "infant": infant,
            "events": Paginator(
                infant_access_history(infant, for_caregiver=True), ACCESS_HISTORY_ROWS
            ).get_page(request.GET.get("history_page")),
        },
    )
