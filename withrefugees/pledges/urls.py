"""Public pages of step 4 (under /ja/ and /en/): the pledge browser and a pledge's page. The
officers' pages (builder, documents, progress) are in ``workspace``; the staff's (review,
GCR reference, reminders, exports) in the admin."""

from django.urls import path

from . import views

app_name = "pledges"
urlpatterns = [
    # The browser: ?q= (search), ?area=, ?objective=, ?kind=, ?country=, ?status= (progress
    # stage), ?lg= (lead or co-pledging local government), ?page=.
    path("pledges/", views.browser, name="browser"),
    path("pledges/<int:pk>/", views.pledge_detail, name="pledge"),
]
