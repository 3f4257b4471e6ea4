from django.urls import path

from . import views

app_name = "profiles"
urlpatterns = [
    # Under /signatories/ so that the links given out since step 1 keep working.
    path("signatories/<int:pk>/", views.profile, name="profile"),
]
