"""Inside Excel through open-source xlwings: ribbon add-ins, macros, worksheet functions."""
