"""Look for a planted secret in everything a build wrote, PDFs opened up with pikepdf."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pikepdf

MARKER = "NCPI-SECRET-MARKER-8c41f2"


def plant_secret(folder: Path) -> Path:
    """A file outside the project that no output may ever contain."""
    path = folder / "secret.txt"
    path.write_text(f"{MARKER}\nroot:x:0:0:root:/root:/bin/bash\n", "utf-8")
    return path


def _pdf_texts(path: Path):
    """Every string, stream (decoded), attachment and metadata value of a PDF."""
    with pikepdf.open(path) as pdf:
        for name, spec in pdf.attachments.items():
            yield f"attachment {name}".encode()
            yield spec.get_file().read_bytes()
        yield str(pdf.docinfo).encode()
        with pdf.open_metadata() as xmp:
            yield str(xmp).encode()
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                try:
                    yield obj.read_bytes()
                except pikepdf.PdfError:
                    yield obj.read_raw_bytes()
            elif isinstance(obj, (pikepdf.Dictionary, pikepdf.Array)):
                yield repr(obj).encode()
            elif isinstance(obj, pikepdf.String):
                yield bytes(obj)
    done = subprocess.run(["pdftotext", "-q", str(path), "-"], capture_output=True)
    yield done.stdout


def leaked(build_dir: Path) -> list[str]:
    """The outputs in which the marker appears (empty when nothing leaked)."""
    found = []
    for path in sorted(build_dir.rglob("*")) if build_dir.exists() else []:
        if not path.is_file():
            continue
        if MARKER.encode() in path.read_bytes():
            found.append(path.name)
        elif path.suffix == ".pdf" and any(MARKER.encode() in c for c in _pdf_texts(path)):
            found.append(f"{path.name} (inside)")
    return found


def attachments(pdf_path: Path) -> list[str]:
    """The names of files embedded in a PDF."""
    with pikepdf.open(pdf_path) as pdf:
        return list(pdf.attachments)


def active_content(pdf_path: Path) -> list[str]:
    """JavaScript, launch actions or external references anywhere in a PDF."""
    found = []
    with pikepdf.open(pdf_path) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary):
                for key in (
                    "/JS",
                    "/JavaScript",
                    "/Launch",
                    "/OpenAction",
                    "/AA",
                    "/GoToR",
                    "/EmbeddedFiles",
                ):
                    if key in obj:
                        found.append(key)
                if obj.get("/S") in (
                    pikepdf.Name.JavaScript,
                    pikepdf.Name.Launch,
                    pikepdf.Name.GoToR,
                    pikepdf.Name.ImportData,
                ):
                    found.append(str(obj.get("/S")))
    return found
