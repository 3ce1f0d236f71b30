"""The admin of incentives."""
