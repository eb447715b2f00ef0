"""The taxi rides page for staff in the Wagtail admin (``/admin/taxi-rides/``).

Staff with ``taxi.view_ride`` see live and recent rides and each ride's details (a view the
resident finds in their audit log); with ``taxi.change_ride`` they also type in what a taxi
company said on the phone, for rides dispatched by hand (the ``manual`` provider).
"""
