"""The upload form: the file is checked by its content, never by what the browser says."""

from __future__ import annotations

from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput, GovTextInput
from wtforms import StringField, SubmitField
from wtforms.validators import Length, ValidationError

from asb.documents.uploads import ALLOWED_TYPES_IN_WORDS, UploadCheck, check_upload, size_in_words
from asb.forms import BaseForm
from asb.submissions import SubmitOnce


class UploadForm(SubmitOnce, BaseForm):
    file = FileField("Upload a file", widget=GovFileInput())
    description = StringField(
        "Description (optional)",
        description="For example, 'Photo of the graffiti on the stairwell, 3 March'",
        widget=GovTextInput(),
        validators=[Length(max=300, message="Description must be 300 characters or fewer")],
    )
    submit = SubmitField("Upload document", widget=GovSubmitInput())

    def __init__(self, *args, max_bytes: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes
        self.file.description = (
            f"The file must be {ALLOWED_TYPES_IN_WORDS}, smaller than {size_in_words(max_bytes)}"
        )
        self.upload: UploadCheck | None = None
        self.content = b""

    def validate_file(self, field):
        upload = field.data
        if upload is None or not getattr(upload, "filename", None):
            raise ValidationError("Select a file")
        # One byte more than allowed is enough to know it is too big.
        data = upload.stream.read(self.max_bytes + 1)
        check = check_upload(upload.filename, data, max_bytes=self.max_bytes)
        if not check.ok:
            raise ValidationError(check.error)
        self.upload = check
        self.content = data

    def size_too_large(self) -> None:
        """Show the message for a file the server refused to read at all."""
        limit = size_in_words(self.max_bytes)
        self.file.errors = [f"The selected file must be smaller than {limit}"]
