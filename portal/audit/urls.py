from django.urls import path

from portal.audit import views

urlpatterns = [
    path("my-information/", views.my_information, name="my_information"),
]
