"""The page's forms read as a browser would: kept in rigs/page_forms.py (the benchmark reads them too)."""

from rigs.page_forms import Fields, elements, form_fields, replaced

__all__ = ["Fields", "elements", "form_fields", "replaced"]
