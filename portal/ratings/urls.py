from django.urls import path

from portal.ratings import views

urlpatterns = [
    path("rate/<str:subject>/", views.rate_page, name="rate"),
    path("rate/<str:subject>/thanks/", views.rated_page, name="rated"),
]
