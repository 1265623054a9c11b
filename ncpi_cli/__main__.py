"""Run the command line as `python -m ncpi_cli`."""

from ncpi_cli.cli import main

main()
