"""The disclosure log: every disclosure of information, made in asb or recorded by hand."""
