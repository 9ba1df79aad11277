"""What an uploaded document must be to be kept: an accepted type, a reasonable size, and bytes
that are what its extension says. Shared by the practice library's resources and the evidence
of an état des lieux."""

import zipfile
from pathlib import PurePath

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image

MAX_UPLOAD_SIZE = 10 * 1024 * 1024  # 10 MB: a scanned document or a slide deck, not a video

# What the content of each accepted extension must look like.
OFFICE_PARTS = {
    "docx": "word/document.xml",
    "xlsx": "xl/workbook.xml",
    "pptx": "ppt/presentation.xml",
}
OPENDOCUMENT_TYPES = {
    "odt": b"application/vnd.oasis.opendocument.text",
    "ods": b"application/vnd.oasis.opendocument.spreadsheet",
    "odp": b"application/vnd.oasis.opendocument.presentation",
}
IMAGE_FORMATS = {"png": "PNG", "jpg": "JPEG", "jpeg": "JPEG"}
ALLOWED_EXTENSIONS = ["pdf", *OFFICE_PARTS, *OPENDOCUMENT_TYPES, *IMAGE_FORMATS, "txt"]

# The `accept` attribute of a file input: the browser offers these files first.
ACCEPT = ",".join(f".{extension}" for extension in ALLOWED_EXTENSIONS)


def accepted_types() -> str:
    return ", ".join(extension.upper() for extension in ALLOWED_EXTENSIONS)


def rules_text(max_size: int | None = None) -> str:
    """The help text of a file input: what it accepts."""
    return _("%(types)s; %(limit)s at most.") % {
        "types": accepted_types(),
        "limit": filesizeformat(max_size or MAX_UPLOAD_SIZE),
    }


def content_matches(upload, extension: str) -> bool:
    """Whether the bytes are what the extension says: a renamed executable or a damaged file
    is refused before anyone downloads it."""
    upload.seek(0)
    try:
        if extension == "pdf":
            return upload.read(5) == b"%PDF-"
        if extension == "txt":
            return b"\0" not in upload.read(64 * 1024)
        if extension in IMAGE_FORMATS:
            with Image.open(upload) as image:
                image.verify()
                return image.format == IMAGE_FORMATS[extension]
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if extension in OFFICE_PARTS:
                return {"[Content_Types].xml", OFFICE_PARTS[extension]} <= names
            return (
                "mimetype" in names
                and archive.read("mimetype").strip() == OPENDOCUMENT_TYPES[extension]
            )
    except (OSError, SyntaxError, ValueError, zipfile.BadZipFile, Image.DecompressionBombError):
        return False
    finally:
        upload.seek(0)


def validate_upload(upload, *, max_size: int | None = None) -> None:
    """Raise a ValidationError, in words the person understands, unless `upload` may be kept
    (no larger than `max_size`, MAX_UPLOAD_SIZE by default)."""
    max_size = max_size or MAX_UPLOAD_SIZE
    extension = PurePath(upload.name).suffix.lower().lstrip(".")
    if extension not in ALLOWED_EXTENSIONS:
        raise forms.ValidationError(
            _("This type of file is not accepted: choose a %(types)s file."),
            code="extension",
            params={"types": accepted_types()},
        )
    if upload.size > max_size:
        raise forms.ValidationError(
            _("This file is too large (%(size)s): the limit is %(limit)s."),
            code="size",
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(max_size)},
        )
    if not content_matches(upload, extension):
        raise forms.ValidationError(
            _(
                "The content of this file is not that of a .%(extension)s file: "
                "it may be damaged or renamed."
            ),
            code="content",
            params={"extension": extension},
        )
