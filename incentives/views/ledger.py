"""Pages: the ledger part of incentives."""
