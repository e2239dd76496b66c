"""E-mail: reminder drafts (.eml) and, later, sending the export to the accountant."""
