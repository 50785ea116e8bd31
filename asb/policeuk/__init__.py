"""Importing data.police.uk street-level files: their anti-social behaviour rows become
incidents of source police.uk (`flask --app wsgi asb import-policeuk FILE_OR_FOLDER ...`)."""
