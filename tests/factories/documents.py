"""Documents on cases."""

from __future__ import annotations

import hashlib

import factory

from asb.models import Document
from tests.factories.base import BaseFactory


class DocumentFactory(BaseFactory):
    """The document's row; the file itself (under `storage_name`) is the test's to store."""

    class Meta:
        model = Document

    class Params:
        content = b"Statement of the victim\n"

    filename = "statement.txt"
    storage_name = factory.Sequence(lambda n: f"test-document-{n:06d}")
    content_type = "text/plain"
    size_bytes = factory.LazyAttribute(lambda o: len(o.content))
    sha256 = factory.LazyAttribute(lambda o: hashlib.sha256(o.content).hexdigest())
