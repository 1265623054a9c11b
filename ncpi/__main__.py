"""Run the command line as `python -m ncpi`."""

from ncpi.cli import main

main()
