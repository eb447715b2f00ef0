from django.urls import path

from services.applications import views

app_name = "applications"

urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("mine/<int:application_id>/", views.application, name="application"),
    path("mine/<int:application_id>/slip/", views.slip, name="slip"),
    path("<int:page_id>/", views.start, name="start"),
    path("<int:page_id>/begin/", views.begin, name="begin"),
    path("<int:page_id>/for-whom/", views.for_whom, name="for_whom"),
    path("<int:page_id>/form/", views.paper_form, name="paper_form"),
    path("<int:page_id>/check/", views.check, name="check"),
    path("<int:page_id>/q/<slug:key>/", views.question, name="question"),
]
