"""The taxi rides page in the Wagtail admin, at /admin/taxi-rides/."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from portal.admin_policies import ReadOnlyPolicy
from services.taxi.models import Ride
from services.taxi.staff.viewset import RideViewSet

# Only "view" (taxi.view_ride) in Wagtail's generic views: a ride changes only through the
# taxi API (the operator's forms on a ride's page check taxi.change_ride themselves).
register_permission_policy(Ride, ReadOnlyPolicy(Ride))
ride_viewset = RideViewSet("taxi-rides")


@hooks.register("register_admin_viewset")
def register_ride_viewset():
    return ride_viewset
