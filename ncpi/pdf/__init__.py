"""Stage 4, the PDF: WeasyPrint, then what PDF/UA-1 and PDF/A ask of the file."""
