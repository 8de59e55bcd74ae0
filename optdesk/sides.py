"""Which side (Twilio, Slack) is configured, local, or only half configured (SPEC §5).

A side with none of its settings is local mode. A side with some but not all of what
it needs is a mistake that must stop `optdesk serve` (and `optdesk worker`) at start,
naming what is missing: guessing "local" there would answer genuine webhooks with 403
and serve the local pages to anyone.
"""

from __future__ import annotations

from optdesk.settings import Settings

TWILIO_SENDER = "TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID"


def twilio_is_local(settings: Settings) -> bool:
    """No TWILIO_* setting at all."""
    return not (
        settings.twilio_account_sid
        or settings.twilio_auth_token
        or settings.twilio_from_number
        or settings.twilio_messaging_service_sid
        or settings.twilio_api_url
    )


def slack_is_local(settings: Settings) -> bool:
    """No Slack credential at all (SLACK_API_URL is only where the API lives)."""
    return not (
        settings.slack_bot_token or settings.slack_signing_secret or settings.slack_app_token
    )


def twilio_missing(settings: Settings) -> list[str]:
    """What a half-configured Twilio side lacks (empty: complete or local)."""
    if twilio_is_local(settings):
        return []
    missing = []
    if not settings.twilio_account_sid:
        missing.append("TWILIO_ACCOUNT_SID")
    if not settings.twilio_auth_token:
        missing.append("TWILIO_AUTH_TOKEN")
    if not (settings.twilio_from_number or settings.twilio_messaging_service_sid):
        missing.append(TWILIO_SENDER)
    return missing


def slack_missing(settings: Settings, *, socket_mode: bool, receiving: bool) -> list[str]:
    """What a half-configured Slack side lacks (empty: complete or local).

    `receiving`: the process takes Slack's requests (`optdesk serve`): over HTTP that
    needs the signing secret, over Socket Mode the app token. The worker only posts,
    so the bot token is all it needs.
    """
    if slack_is_local(settings) and not socket_mode:
        return []
    missing = []
    if not settings.slack_bot_token:
        missing.append("SLACK_BOT_TOKEN")
    if receiving and socket_mode and not settings.slack_app_token:
        missing.append("SLACK_APP_TOKEN (for --socket-mode)")
    if receiving and not socket_mode and not settings.slack_signing_secret:
        missing.append("SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN with --socket-mode)")
    return missing


def half_configured(settings: Settings, *, socket_mode: bool, receiving: bool) -> list[str]:
    """One sentence per half-configured side, naming what is missing (empty: start)."""
    problems = []
    twilio = twilio_missing(settings)
    if twilio:
        problems.append(
            "Twilio is half configured: missing "
            + ", ".join(twilio)
            + ". Set them, or remove every TWILIO_* setting for local mode."
        )
    slack = slack_missing(settings, socket_mode=socket_mode, receiving=receiving)
    if slack:
        problems.append(
            "Slack is half configured: missing "
            + ", ".join(slack)
            + ". Set them, or remove every SLACK_* credential for local mode."
        )
    return problems
