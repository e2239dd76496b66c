"""Front end: the `treso-xl` command line."""
