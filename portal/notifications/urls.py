from django.urls import path

from portal.notifications import views

app_name = "notifications"

urlpatterns = [
    path("sms/", views.sms_status, name="sms_status"),
    path("call/", views.call_status, name="call_status"),
]
