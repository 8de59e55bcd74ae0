"""The dispatcher's baseline: one process calling the twilio SDK's messages.create in a loop.

    python -m bench.twilio_loop --count N   # env: TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN,
                                            #      TWILIO_API_URL, TWILIO_FROM_NUMBER

The client is built as webhooks/twilio_gateway.py builds it (TwilioHttpClient with a
timeout, no proxy for 127.0.0.1, base URL overridden). Prints "BENCH-JSON {...}".
"""

from __future__ import annotations

import argparse
import json
import os
import time


def main() -> None:
    from twilio.http.http_client import TwilioHttpClient
    from twilio.rest import Client

    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--tag", default="baseline")
    parser.add_argument("--to-prefix", default="+1212700")
    args = parser.parse_args()
    http = TwilioHttpClient(timeout=15.0)
    if http.session is not None:
        http.session.trust_env = False
    client = Client(
        os.environ["TWILIO_ACCOUNT_SID"],
        os.environ["TWILIO_AUTH_TOKEN"],
        http_client=http,
        environment={},
    )
    client.api.base_url = os.environ["TWILIO_API_URL"].rstrip("/")
    sender = os.environ.get("TWILIO_FROM_NUMBER", "+15005550006")
    started = time.perf_counter()
    for i in range(args.count):
        client.messages.create(
            to=f"{args.to_prefix}{i:04d}", from_=sender, body=f"{args.tag} text {i}"
        )
    elapsed = time.perf_counter() - started
    print("BENCH-JSON " + json.dumps({"count": args.count, "seconds": elapsed}), flush=True)


if __name__ == "__main__":
    main()
