from django.urls import path  # noqa: F401  (the providers' webhook receivers are added here)

app_name = "taxi_events"

urlpatterns = []
