"""Pages: the unfit part of incentives."""
