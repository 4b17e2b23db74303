from django.urls import path

from calendars.views import calendar_feed, calendar_page, calendar_plan_feed

urlpatterns = [
    path("", calendar_page, name="calendar_page"),
    path("<str:secret>.ics", calendar_feed, name="calendar_feed"),
    path("<str:secret>/<str:plan>.ics", calendar_plan_feed, name="calendar_plan_feed"),
]
