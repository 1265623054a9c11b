"""ncpi: compile National Child Protection Inspection re-inspection reports and press releases."""

__version__ = "0.1.0"
