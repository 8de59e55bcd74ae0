"""Fake Slack and Twilio HTTP servers on 127.0.0.1 for driving the real SDKs in tests."""

from tests.fakes.slack_server import Call, FakeSlack, ResponseCall
from tests.fakes.twilio_server import FakeTwilio, TwilioRequest

__all__ = ["Call", "FakeSlack", "FakeTwilio", "ResponseCall", "TwilioRequest"]
