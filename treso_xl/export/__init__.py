"""The workbook for the accountant: values only, registers, cover sheet (see `export_workbook`)."""
