"""Pure engine: functions over pandas frames and small typed records, no I/O and no Excel."""
