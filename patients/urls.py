from django.urls import path

from patients import views

app_name = "patients"

urlpatterns = [
    path("infants/", views.infant_list, name="infant-list"),
    path("infants/new/", views.infant_register_page, name="infant-register"),
    path("infants/<uuid:infant_id>/", views.infant_detail, name="infant-detail"),
    path("infants/<uuid:infant_id>/edit/", views.infant_edit, name="infant-edit"),
    path("infants/<uuid:infant_id>/milestones/", views.milestones, name="milestones"),
    path(
        "infants/<uuid:infant_id>/development/",
        views.development_override,
        name="development-override",
    ),
    path(
        "infants/<uuid:infant_id>/caregivers/invite/",
        views.caregiver_invite,
        name="caregiver-invite",
    ),
    path(
        "infants/<uuid:infant_id>/caregivers/<uuid:guardianship_id>/revoke/",
        views.caregiver_revoke,
        name="caregiver-revoke",
    ),
    path(
        "infants/<uuid:infant_id>/caregivers/<uuid:guardianship_id>/phone/",
        views.caregiver_phone_edit,
        name="caregiver-phone",
    ),
    path(
        "infants/<uuid:infant_id>/invitations/<uuid:invitation_id>/revoke/",
        views.invitation_withdraw,
        name="invitation-revoke",
    ),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation-accept"),
    path(
        "portal/children/<uuid:infant_id>/access/",
        views.child_access_history,
        name="child-access-history",
    ),
]
