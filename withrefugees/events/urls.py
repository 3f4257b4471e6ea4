"""Public pages of step 3 (under /ja/ and /en/): the calendar, an event's page, the World
Refugee Day page of a year, iCalendar feeds. The officers' pages are in ``workspace``; the
staff's (review, support queue, exports) in the admin."""

from django.urls import path

from . import views, views_feeds

app_name = "events"
urlpatterns = [
    # The calendar: list (default) or month view (?view=month&month=YYYY-MM), filters
    # ?kind=, ?country=, ?region=, ?lg=.
    path("events/", views.calendar, name="calendar"),
    path("events/<int:pk>/", views.event_detail, name="event"),
    # World Refugee Day: the latest year with light-ups, and one page per year.
    path("world-refugee-day/", views.world_refugee_day_latest, name="world_refugee_day_latest"),
    path("world-refugee-day/<int:year>/", views.world_refugee_day, name="world_refugee_day"),
    # iCalendar feeds: all public events, per kind, per local government.
    path("events/calendar.ics", views_feeds.feed_all, name="feed_all"),
    path("events/kind/<str:kind>/calendar.ics", views_feeds.feed_kind, name="feed_kind"),
    path("events/local-government/<int:lg_pk>/calendar.ics", views_feeds.feed_local_government,
         name="feed_local_government"),
    path("events/<int:pk>/event.ics", views_feeds.feed_event, name="feed_event"),
]
