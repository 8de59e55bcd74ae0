"""Use cases of the consent desk, each owning one transaction."""
