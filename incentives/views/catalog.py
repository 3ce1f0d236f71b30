"""Pages: the catalog part of incentives."""
