from django.urls import path

from services.taxi import views

app_name = "taxi"

urlpatterns = [
    path("", views.start, name="start"),
    path("home/", views.home_address, name="home_address"),
    path("rides/<int:ride_id>/", views.ride, name="ride"),
    path("rides/<int:ride_id>/status.json", views.ride_status_json, name="ride_status"),
    path("rides/<int:ride_id>/cancel/", views.cancel, name="cancel"),
]
