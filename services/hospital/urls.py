from django.urls import path  # noqa: F401  (the web flow's pages are added here)

app_name = "hospital"

urlpatterns = []
