"""One parser per statement format, each returning `treso_xl.bank.statement.Statement` objects."""
