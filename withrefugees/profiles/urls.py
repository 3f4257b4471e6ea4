from django.urls import path

from . import views

app_name = "profiles"
urlpatterns = [
    # Under /signatories/ so that the links given out since step 1 keep working.
    path("signatories/<int:pk>/", views.profile, name="profile"),
    # Step 2's images of a signatory: the card (its key changes with what it shows), the QR
    # code of the profile's address, the A4 poster.
    path("signatories/<int:pk>/card-<str:key>.png", views.card, name="card"),
    path("signatories/<int:pk>/qr.svg", views.qr_svg, name="qr_svg"),
    path("signatories/<int:pk>/qr.png", views.qr_png, name="qr_png"),
    path("signatories/<int:pk>/poster.pdf", views.poster, name="poster"),
]
