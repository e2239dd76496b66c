"""`python -m treso_xl` runs the command line."""

from treso_xl.cli.main import run

run()
