from django.urls import path

from assessments import views

app_name = "assessments"

urlpatterns = [
    path("infants/<uuid:infant_uuid>/assessments/", views.assessment_list, name="list"),
    path("infants/<uuid:infant_uuid>/assessments/run/", views.assessment_run, name="run"),
    path(
        "infants/<uuid:infant_uuid>/assessments/<uuid:assessment_uuid>/",
        views.assessment_detail,
        name="detail",
    ),
]
