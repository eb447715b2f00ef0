from django.urls import path

from services.learning import views

app_name = "learning"

urlpatterns = [
    path("", views.start, name="start"),
    path("<int:session_id>/sign-up/", views.sign_up, name="sign_up"),
    path("mine/", views.mine, name="mine"),
    path("places/<int:place_id>/cancel/", views.cancel, name="cancel"),
    path("learned/", views.learned, name="learned"),
    path("remember/", views.remember, name="remember"),
]
