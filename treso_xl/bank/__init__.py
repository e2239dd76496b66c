"""Bank statements: parsing each format into one record type, and importing them into Banque."""
