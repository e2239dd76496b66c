"""Build the bundled workbooks (empty template and sample) from the contract."""
