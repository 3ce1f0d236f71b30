"""Pages of notices: one module per part (drafts, batch, verify)."""
