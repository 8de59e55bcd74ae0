"""The bad-input corpus: data tables of hostile requests for every endpoint and subcommand."""
