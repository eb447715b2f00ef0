from django.urls import path

from assist import views

app_name = "assist"

urlpatterns = [
    path("", views.start, name="start"),
    path("requests/", views.my_requests, name="my_requests"),
    path("requests/<int:request_id>/", views.request_page, name="request"),
]
