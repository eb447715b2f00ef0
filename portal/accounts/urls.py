from django.urls import path

from portal.accounts import views

urlpatterns = [
    path("signin/", views.signin_phone, name="signin"),
    path("signin/code/", views.signin_code, name="signin_code"),
    path("signin/welcome/name/", views.welcome_name, name="welcome_name"),
    path("signin/welcome/home/", views.welcome_home, name="welcome_home"),
    path("signout/", views.signout, name="signout"),
]
