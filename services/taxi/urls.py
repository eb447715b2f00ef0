from django.urls import path

from services.taxi import family_views, views

app_name = "taxi"

urlpatterns = [
    path("", views.start, name="start"),
    path("home/", views.home_address, name="home_address"),
    path("choose/", views.choose, name="choose"),
    path("choose/from/", views.question, {"step": "from"}, name="choose_from"),
    path("choose/to/", views.question, {"step": "to"}, name="choose_to"),
    path("choose/when/", views.question, {"step": "when"}, name="choose_when"),
    path("choose/notes/", views.question, {"step": "notes"}, name="choose_notes"),
    path("choose/check/", views.check, name="choose_check"),
    path("family/", family_views.who, name="family"),
    path("family/<int:resident_id>/", family_views.for_resident, name="for_resident"),
    path("rides/", views.rides, name="rides"),
    path("rides/<int:ride_id>/", views.ride, name="ride"),
    path("rides/<int:ride_id>/status.json", views.ride_status_json, name="ride_status"),
    path("rides/<int:ride_id>/cancel/", views.cancel, name="cancel"),
]
