"""Forms of incentives."""
