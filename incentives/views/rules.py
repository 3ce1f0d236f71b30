"""Pages: the rules part of incentives."""
