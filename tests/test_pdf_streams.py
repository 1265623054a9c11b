"""Every stream of a finished PDF has a /Length that PDF/A validators read the same way."""

from __future__ import annotations

import itertools
import zlib
from io import BytesIO

import pikepdf

from ncpi.pdf.artifacts import finish_pdf


def _ending_in_carriage_return(stem: bytes) -> bytes:
    """Data whose Flate bytes end in CR: their last byte is the byte sum's low byte, plus one."""
    # Three printable letters reach every byte sum modulo 256, so the search is bounded.
    for letters in itertools.product(range(0x41, 0x7B), repeat=3):
        data = stem + bytes(letters)
        if zlib.compress(data).endswith(b"\r"):
            return data
    raise AssertionError("no three letters give a carriage return")


def test_no_stream_ends_in_a_carriage_return_and_no_data_changes(tmp_path):
    content = _ending_in_carriage_return(b"BT /F1 12 Tf 72 720 Td (Hello) Tj ET\n%")
    font = _ending_in_carriage_return(b"\x00\x01\x00\x00 a TrueType program")
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.pages[0].Contents = pdf.make_stream(content)  # unfiltered: compressed on saving
    program = pdf.make_stream(b"")
    program.write(zlib.compress(font), filter=pikepdf.Name.FlateDecode)
    program.Length1 = len(font)
    pdf.Root.FontProgram = program
    buffer = BytesIO()
    pdf.save(buffer, compress_streams=False)
    finished = finish_pdf(buffer.getvalue())
    # What a validator reads as the end of line before "endstream" is never part of the data.
    assert b"\r\nendstream" not in finished
    with pikepdf.open(BytesIO(finished)) as done:
        for stream in done.objects:
            if isinstance(stream, pikepdf.Stream):
                assert not stream.read_raw_bytes().endswith(b"\r"), stream.objgen
        # Padded where padding changes nothing: white space after the operators, bytes past
        # the font program's end, which its length counts.
        shown = done.pages[0].Contents.read_bytes()
        assert shown.startswith(content) and not shown[len(content) :].strip()
        stored = done.Root.FontProgram
        assert stored.read_bytes().startswith(font)
        assert stored.Length1 == len(stored.read_bytes())
