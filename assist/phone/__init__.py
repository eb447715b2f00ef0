"""The phone channel: the hotline's menu (Twilio Voice) and SMS commands (Twilio Messaging), a
thin adapter over the services' APIs and the help desk."""
