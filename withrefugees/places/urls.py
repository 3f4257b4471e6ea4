from django.urls import path

from . import views

app_name = "places"
urlpatterns = [
    path("search.json", views.search_json, name="search"),
]
