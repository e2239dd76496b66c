"""Layouts: each generated tab described once, free of any Excel library's types."""
