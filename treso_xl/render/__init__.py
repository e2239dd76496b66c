"""Renderers: layouts into files (openpyxl, then part-by-part package update) or live Excel."""
