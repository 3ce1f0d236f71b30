"""Pages of assessments, one module per mechanism; urls.py names them."""
