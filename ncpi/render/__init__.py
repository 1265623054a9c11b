"""Stage 3, render: HTML and text from the templates, in English or Welsh."""
