"""The register's forms: an agreement, its early end, its signed document and the filters."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length, ValidationError

from asb.agreements.documents import ALLOWED_TYPES_IN_WORDS, SignedDocumentCheck, check_document
from asb.agreements.models import AgreementState, SharingAgreement
from asb.agreements.vocabulary import DataCategory, LawfulBasis, SpecialCategoryCondition
from asb.auth.models import Agency, User
from asb.documents.uploads import size_in_words
from asb.forms import YES_NO, BaseForm, CheckboxesField, ChoiceField, GovDateField, RadiosField
from asb.submissions import SubmitOnce
from asb.versioning import VersionField

# Categories that hold special category data (health, disability) or can: sharing them needs
# an Article 9 condition as well as an Article 6 basis.
SPECIAL_CATEGORY_DATA = {DataCategory.VULNERABILITIES, DataCategory.RISK_ASSESSMENTS}

STATE_LABELS = {
    AgreementState.IN_FORCE: "In force",
    AgreementState.REVIEW_OVERDUE: "Review overdue",
    AgreementState.ENDED: "Ended",
    AgreementState.NOT_STARTED: "Not started",
}
STATE_COLOURS = {
    AgreementState.IN_FORCE: "green",
    AgreementState.REVIEW_OVERDUE: "orange",
    AgreementState.ENDED: "grey",
    AgreementState.NOT_STARTED: "blue",
}


def partner_choices(agencies: list[Agency]) -> list[tuple[str, str]]:
    """External organisations (City of London Police) first, then the City's own services."""
    ordered = sorted(agencies, key=lambda agency: (not agency.is_external, agency.name))
    return [(str(agency.id), agency.name) for agency in ordered]


class AgreementForm(BaseForm):
    title = StringField(
        "Title",
        description="For example, 'City of London Police ASB information sharing agreement'",
        widget=GovTextInput(),
        validators=[
            DataRequired("Enter the agreement's title"),
            Length(max=160, message="Title must be 160 characters or fewer"),
        ],
    )
    partner_agency = ChoiceField(
        "Partner organisation",
        widget=GovSelect(),
        missing_message="Select the partner organisation",
    )
    purpose = StringField(
        "Purpose of sharing",
        widget=GovCharacterCount(),
        validators=[
            DataRequired("Enter the purpose of sharing"),
            Length(max=2000, message="Purpose must be 2,000 characters or fewer"),
        ],
    )
    lawful_basis = RadiosField(
        "Lawful basis (UK GDPR Article 6)",
        choices=LawfulBasis.choices(),
        widget=GovRadioInput(),
        missing_message="Select the lawful basis",
    )
    special_category_condition = RadiosField(
        "Special category or criminal offence data (Article 9 or 10)",
        choices=SpecialCategoryCondition.choices(),
        widget=GovRadioInput(),
        missing_message="Select whether it covers special category or criminal offence data",
    )
    crime_and_disorder_s115 = RadiosField(
        "Does section 115 of the Crime and Disorder Act 1998 apply?",
        choices=YES_NO,
        widget=GovRadioInput(),
        missing_message="Select yes if section 115 of the Crime and Disorder Act 1998 applies",
    )
    categories = CheckboxesField(
        "Data it covers (select all that apply)",
        choices=DataCategory.choices(),
        widget=GovCheckboxesInput(),
        missing_message="Select at least one category of data the agreement covers",
    )
    starts_on = GovDateField("Start date", missing_message="Enter the start date")
    review_on = GovDateField("Review date", missing_message="Enter the review date")
    ends_on = GovDateField(
        "End date (optional)", description="Leave blank if it runs until it is ended"
    )
    owner = ChoiceField("Owner", widget=GovSelect(), missing_message="Select the owner")

    def __init__(self, *args, agencies: list[Agency], owners: list[User], **kwargs):
        super().__init__(*args, **kwargs)
        self._agencies = {str(agency.id): agency for agency in agencies}
        self._owners = {str(owner.id): owner for owner in owners}
        self.partner_agency.choices = [("", "Select an organisation"), *partner_choices(agencies)]
        self.owner.choices = [("", "Select the owner")] + [
            (key, f"{owner.name} ({owner.agency.name})") for key, owner in self._owners.items()
        ]

    def validate_review_on(self, field) -> None:
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError("The review date must be the same as or after the start date")
        if field.data and self.ends_on.data and field.data > self.ends_on.data:
            raise ValidationError("The review date must be on or before the end date")

    def validate_ends_on(self, field) -> None:
        if field.data and self.starts_on.data and field.data <= self.starts_on.data:
            raise ValidationError("The end date must be after the start date")

    def validate_special_category_condition(self, field) -> None:
        chosen = set(self.categories.data or [])
        sensitive = sorted(category.label.lower() for category in SPECIAL_CATEGORY_DATA)
        if field.data == SpecialCategoryCondition.NONE and chosen & set(SPECIAL_CATEGORY_DATA):
            raise ValidationError(
                f"Select the DPA 2018 Schedule 1 condition: {' and '.join(sensitive)} are "
                "special category data"
            )

    def fill_from(self, agreement: SharingAgreement) -> None:
        self.title.data = agreement.title
        self.partner_agency.data = str(agreement.partner_agency_id)
        self.purpose.data = agreement.purpose
        self.lawful_basis.data = agreement.lawful_basis.value
        self.special_category_condition.data = agreement.special_category_condition.value
        self.crime_and_disorder_s115.data = "yes" if agreement.crime_and_disorder_s115 else "no"
        self.categories.data = list(agreement.categories)
        self.starts_on.data = agreement.starts_on
        self.review_on.data = agreement.review_on
        self.ends_on.data = agreement.ends_on
        self.owner.data = str(agreement.owner_id)

    def agreement_fields(self) -> dict[str, Any]:
        return {
            "title": self.title.data,
            "partner_agency": self._agencies[self.partner_agency.data],
            "purpose": self.purpose.data,
            "lawful_basis": LawfulBasis(self.lawful_basis.data),
            "special_category_condition": SpecialCategoryCondition(
                self.special_category_condition.data
            ),
            "crime_and_disorder_s115": self.crime_and_disorder_s115.data == "yes",
            "categories": [
                category.value
                for category in DataCategory
                if category.value in set(self.categories.data)
            ],
            "starts_on": self.starts_on.data,
            "review_on": self.review_on.data,
            "ends_on": self.ends_on.data,
            "owner": self._owners[self.owner.data],
        }


class NewAgreementForm(SubmitOnce, AgreementForm):
    submit = SubmitField("Add agreement", widget=GovSubmitInput())


class EditAgreementForm(AgreementForm):
    version = VersionField()
    submit = SubmitField("Save changes", widget=GovSubmitInput())


class EndAgreementForm(BaseForm):
    version = VersionField()
    ends_on = GovDateField("Last day in force", missing_message="Enter the last day in force")
    reason = StringField(
        "Why is it ending?",
        widget=GovTextArea(),
        validators=[
            DataRequired("Enter why the agreement is ending"),
            Length(max=1000, message="Reason must be 1,000 characters or fewer"),
        ],
    )
    submit = SubmitField("End agreement", widget=GovSubmitInput())

    def __init__(self, *args, starts_on: date, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self._starts_on = starts_on
        self._today = today

    def validate_ends_on(self, field) -> None:
        if field.data and field.data < self._starts_on:
            raise ValidationError("The last day in force must be on or after the start date")
        if field.data and field.data < self._today:
            raise ValidationError("The last day in force must be today or in the future")


class SignedDocumentForm(SubmitOnce, BaseForm):
    file = FileField("Upload the signed agreement", widget=GovFileInput())
    submit = SubmitField("Upload document", widget=GovSubmitInput())

    def __init__(self, *args, max_bytes: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes
        self.file.description = (
            f"The file must be {ALLOWED_TYPES_IN_WORDS}, smaller than {size_in_words(max_bytes)}"
        )
        self.checked: SignedDocumentCheck | None = None
        self.content = b""

    def validate_file(self, field) -> None:
        upload = field.data
        if upload is None or not getattr(upload, "filename", None):
            raise ValidationError("Select a file")
        data = upload.stream.read(self.max_bytes + 1)
        checked = check_document(upload.filename, data, max_bytes=self.max_bytes)
        if checked.error:
            raise ValidationError(checked.error)
        self.checked = checked
        self.content = data


class AgreementFilterForm(BaseForm):
    class Meta:
        csrf = False

    partner = ChoiceField("Partner organisation", widget=GovSelect())
    state = ChoiceField(
        "State",
        choices=[("", "All states"), *((key.value, text) for key, text in STATE_LABELS.items())],
        widget=GovSelect(),
    )

    def __init__(self, *args, agencies: list[Agency], **kwargs):
        super().__init__(*args, **kwargs)
        self.partner.choices = [("", "All organisations"), *partner_choices(agencies)]
