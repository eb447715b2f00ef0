from django.urls import path

from portal.privacy import agreement_views, views

urlpatterns = [
    path("privacy/agree/<str:purpose>/", agreement_views.agree, name="privacy_agree"),
    path("my/agreements/", agreement_views.my_agreements, name="my_agreements"),
    path("my/data/", views.my_data_page, name="my_data"),
    path("my/data/download/", views.my_data_download, name="my_data_download"),
    path("my/data/<int:resident_id>/", views.my_data_page, name="my_data_of"),
    path(
        "my/data/<int:resident_id>/download/",
        views.my_data_download,
        name="my_data_download_of",
    ),
]
