"""The office's, leaders' and liaisons' pages, one module per area (see tasks/urls.py)."""
