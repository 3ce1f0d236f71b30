"""Pages: the timely part of incentives."""
