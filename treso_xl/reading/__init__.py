"""Reading: the user's workbook into validated frames, with French messages for every bad value."""
