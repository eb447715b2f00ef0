from django.urls import path

from assist import teach, views

app_name = "assist"

urlpatterns = [
    path("", views.start, name="start"),
    path("teach/", teach.teach_me, name="teach_me"),
    path("requests/", views.my_requests, name="my_requests"),
    path("requests/<int:request_id>/", views.request_page, name="request"),
]
