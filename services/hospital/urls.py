from django.urls import path

from services.hospital.views import appointments, booking

app_name = "hospital"

urlpatterns = [
    path("", booking.start, name="start"),
    path("who/", booking.patient, name="patient"),
    path("real-name/", booking.identity, name="identity"),
    path("choose/hospital/", booking.choose_hospital, name="choose_hospital"),
    path("choose/department/", booking.department, name="department"),
    path("choose/day/", booking.day, name="day"),
    path("choose/time/", booking.time, name="time"),
    path("check/", booking.check, name="check"),
    path("confirm/", booking.confirm, name="confirm"),
    path("appointments/", appointments.appointments, name="appointments"),
    path("appointments/<int:appointment_id>/", appointments.slip, name="slip"),
    path("appointments/<int:appointment_id>/cancel/", appointments.cancel, name="cancel"),
]
