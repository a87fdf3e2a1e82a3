"""What a file is, told by its first bytes: the name and the browser's content type are the
uploader's to choose, so neither is believed."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FileType:
    content_type: str
    extensions: tuple[str, ...]  # the first is the one keys get
    magic: bytes

    @property
    def extension(self) -> str:
        return self.extensions[0]


ACCEPTED = (
    FileType("application/pdf", (".pdf",), b"%PDF-"),
    FileType("image/jpeg", (".jpg", ".jpeg"), b"\xff\xd8\xff"),
    FileType("image/png", (".png",), b"\x89PNG\r\n\x1a\n"),
)


def detect(file) -> FileType | None:
    """The accepted type `file` starts like, or None. Leaves the file at its start."""
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    return next((t for t in ACCEPTED if head.startswith(t.magic)), None)


def named_type(name: str) -> FileType | None:
    """The accepted type the file's name claims, or None."""
    extension = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return next((t for t in ACCEPTED if extension in t.extensions), None)
