"""Stage 4, the PDF: WeasyPrint, then what PDF/UA-1 and PDF/A ask of the file."""

# Here, not in document.py: the command line names them in its options, and importing the
# PDF stage for two names cost every `ncpi validate` 15 ms of imports it never used.
#: The PDF variant a build makes unless told otherwise: tagged and accessible.
DEFAULT_VARIANT = "pdf/ua-1"
PDF_VARIANTS = ("pdf/ua-1", "pdf/ua-2", "pdf/a-3b", "pdf/a-3u")
