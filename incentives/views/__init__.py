"""Pages of incentives, one module per mechanism; urls.py names them."""
