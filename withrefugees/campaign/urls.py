from django.urls import path

from . import views

app_name = "campaign"
urlpatterns = [
    path("", views.home, name="home"),
    path("statement/", views.statement, name="statement"),
    path("privacy/", views.privacy, name="privacy"),
    path("sign/", views.sign, name="sign"),
    path("sign/sent/", views.sign_sent, name="sign_sent"),
    path("sign/resend/", views.resend, name="resend"),
    path("sign/confirmed/", views.confirmed, name="confirmed"),
    path("sign/confirm/", views.confirm_link, name="confirm_link"),
    path("sign/confirm/<str:token>/", views.confirm, name="confirm"),
    path("signatories/", views.directory, name="directory"),
    path("map/", views.signatory_map, name="map"),
]
