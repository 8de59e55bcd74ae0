"""The webhook sidecar (Starlette): questionnaire pages, Twilio webhooks, the Twilio gateway.

`webhooks.app.create_app` builds the app; `webhooks.twilio_gateway.TwilioGateway` and
`webhooks.local_gateway.LocalGateway` are the two `SmsGateway`s. Only this package
imports twilio; it never imports `bot`.
"""
