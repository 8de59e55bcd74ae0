"""Bolt listeners: each module registers one family on the app."""
