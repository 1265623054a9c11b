"""Run the command line as `python -m ncpi`."""

from ncpi.launch import main

main()
