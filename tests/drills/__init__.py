"""Fault drills: real `optdesk serve` processes, fake Twilio and Slack, faults on purpose.

Each drill runs twice: a small `bounded` variant in `make test` and a `full` one, marked
`drill`, in `make drills` (its size times OPTDESK_DRILL_SCALE, default 1).
"""
