from django.urls import path

from portal.accounts import (
    closing_views,
    family,
    fresh_code,
    mine,
    phone_change,
    places,
    profile,
    staff_views,
    views,
)

urlpatterns = [
    path("signin/", views.signin_phone, name="signin"),
    path("signin/code/", views.signin_code, name="signin_code"),
    path("signin/welcome/name/", views.welcome_name, name="welcome_name"),
    path("signin/welcome/home/", views.welcome_home, name="welcome_home"),
    path("signout/", views.signout, name="signout"),
    path("signin/confirm/", fresh_code.confirm_code, name="confirm_code"),
    path("my/", mine.mine, name="mine"),
    path("my/close/", closing_views.close_account, name="close_account"),
    path("my/close/keep/", closing_views.keep_account, name="keep_account"),
    path("my/close/kept/", closing_views.account_kept, name="account_kept"),
    path("profile/", profile.profile, name="profile"),
    path("profile/phone/", phone_change.change_phone, name="change_phone"),
    path("profile/phone/confirm/", phone_change.confirm_new_phone, name="change_phone_confirm"),
    path("profile/places/", places.saved_places, name="saved_places"),
    path("profile/places/<int:place_id>/remove/", places.remove_place, name="saved_place_remove"),
    path("profile/family/", family.family, name="family"),
    path("profile/family/add/", family.add_family_member, name="family_add"),
    path(
        "profile/permissions/<int:consent_id>/stop/", family.revoke_consent, name="consent_revoke"
    ),
    path("profile/family/confirm/", family.confirm_family_member, name="family_confirm"),
    path("profile/family/<int:member_id>/stop/", family.revoke_family_member, name="family_revoke"),
    path("profile/<slug:slug>/", profile.profile_item, name="profile_item"),
    path("staff/2fa/", staff_views.staff_2fa, name="staff_2fa"),
    path("staff/session/extend/", staff_views.staff_session_extend, name="staff_session_extend"),
    path("staff/resubmit/", staff_views.staff_resubmit, name="staff_resubmit"),
]
