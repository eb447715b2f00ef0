"""The taxi rides page in the Wagtail admin, at /admin/taxi-rides/."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from services.taxi.models import Ride
from services.taxi.staff.viewset import RidePolicy, RideViewSet

register_permission_policy(Ride, RidePolicy(Ride))
ride_viewset = RideViewSet("taxi-rides")


@hooks.register("register_admin_viewset")
def register_ride_viewset():
    return ride_viewset
