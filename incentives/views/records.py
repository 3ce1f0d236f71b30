"""Pages: the records part of incentives."""
