"""E-mail: reminder drafts (.eml) and sending the export to the accountant."""
