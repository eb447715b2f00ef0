"""The human and phone channels: assisted requests, the volunteer and counter desk,
consent and proxy, the IVR and SMS webhooks."""
