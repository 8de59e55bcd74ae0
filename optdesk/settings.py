"""Settings from the environment or a .env file (SPEC §5), validated at start."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    database_url: str = Field("sqlite:///./optdesk.db", alias="OPTDESK_DATABASE_URL")
    public_url: str = Field("http://localhost:8000", alias="OPTDESK_PUBLIC_URL")
    business_name: str = Field("Your Business", alias="OPTDESK_BUSINESS_NAME")
    business_contact: str | None = Field(None, alias="OPTDESK_BUSINESS_CONTACT")
    link_ttl_days: int = Field(30, alias="OPTDESK_LINK_TTL_DAYS", ge=1, le=3650)
    default_region: str = Field("US", alias="OPTDESK_DEFAULT_REGION")
    notify_channel: str | None = Field(None, alias="OPTDESK_NOTIFY_CHANNEL")
    staff: str | None = Field(None, alias="OPTDESK_STAFF")
    twilio_keywords: Literal["twilio", "app"] = Field("twilio", alias="OPTDESK_TWILIO_KEYWORDS")
    thread_replies: Literal["confirm", "send", "off"] = Field(
        "confirm", alias="OPTDESK_THREAD_REPLIES"
    )
    trust_proxy: bool = Field(False, alias="OPTDESK_TRUST_PROXY")
    double_opt_in: bool = Field(False, alias="OPTDESK_DOUBLE_OPT_IN")
    secret_key: SecretStr | None = Field(None, alias="OPTDESK_SECRET_KEY")
    sms_per_second: float = Field(1.0, alias="OPTDESK_SMS_PER_SECOND", gt=0, le=1000)

    slack_bot_token: SecretStr | None = Field(None, alias="SLACK_BOT_TOKEN")
    slack_signing_secret: SecretStr | None = Field(None, alias="SLACK_SIGNING_SECRET")
    slack_app_token: SecretStr | None = Field(None, alias="SLACK_APP_TOKEN")
    slack_api_url: str = Field("https://slack.com/api/", alias="SLACK_API_URL")

    twilio_account_sid: str | None = Field(None, alias="TWILIO_ACCOUNT_SID")
    twilio_auth_token: SecretStr | None = Field(None, alias="TWILIO_AUTH_TOKEN")
    twilio_from_number: str | None = Field(None, alias="TWILIO_FROM_NUMBER")
    twilio_messaging_service_sid: str | None = Field(None, alias="TWILIO_MESSAGING_SERVICE_SID")
    twilio_api_url: str | None = Field(None, alias="TWILIO_API_URL")

    @field_validator("public_url", "slack_api_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

    @field_validator("default_region")
    @classmethod
    def _region(cls, value: str) -> str:
        import phonenumbers

        value = value.upper()
        if value not in phonenumbers.SUPPORTED_REGIONS:
            raise ValueError(f"{value} is not a region phonenumbers knows (try US, GB, CA...)")
        return value

    @field_validator(
        "business_contact",
        "notify_channel",
        "staff",
        "twilio_account_sid",
        "twilio_from_number",
        "twilio_messaging_service_sid",
        "twilio_api_url",
        "twilio_auth_token",
        "slack_bot_token",
        "slack_signing_secret",
        "slack_app_token",
        "secret_key",
        mode="before",
    )
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @property
    def slack_enabled(self) -> bool:
        return bool(self.slack_bot_token and self.slack_signing_secret)

    @property
    def twilio_enabled(self) -> bool:
        return bool(
            self.twilio_account_sid
            and self.twilio_auth_token
            and (self.twilio_from_number or self.twilio_messaging_service_sid)
        )

    def staff_ids(self) -> list[str]:
        return [s for s in (self.staff or "").replace(",", " ").split() if s]
