"""`ncpi publish`: a checked bundle for the web team and the press office, the same bytes on
every run."""

from __future__ import annotations

import email
import email.policy
import hashlib
import json
import random
import shutil
import subprocess
import zipfile
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import getaddresses

import pytest

from ncpi.check.rules import _one_mailbox

from support import FIXTURES, edit, invoke

# Nothing here is about a PDF's content: a stand-in is made in its place.
pytestmark = [pytest.mark.process, pytest.mark.usefixtures("stand_in_pdfs")]


@pytest.fixture
def published(project_from):
    project = project_from()
    result = invoke(project, "publish", "essex")
    assert result.exit_code == 0, result.output
    return project, project.build_dir / "publish" / "essex"


def test_the_bundle_holds_every_edition_and_sha256sum_accepts_it(published):
    project, folder = published
    assert sorted(p.name for p in folder.iterdir()) == [
        "SHA256SUMS",
        "essex-press-release.eml",
        "essex-press-release.html",
        "essex-press-release.pdf",
        "essex-press-release.txt",
        "essex-report.html",
        "essex-report.pdf",
        "metadata.json",
    ]
    done = subprocess.run(
        ["sha256sum", "-c", "SHA256SUMS"], cwd=folder, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count(": OK") == 7
    # The bundle's documents are the final build's, byte for byte.
    assert (folder / "essex-report.pdf").read_bytes() == (
        project.build_dir / "essex" / "essex-report.pdf"
    ).read_bytes()


def test_metadata_is_schema_org_json_ld_with_each_files_size_and_hash(published):
    _, folder = published
    data = json.loads((folder / "metadata.json").read_text("utf-8"))
    assert data["@context"] == "https://schema.org"
    report, article = data["@graph"]
    assert report["@type"] == "Report" and article["@type"] == "NewsArticle"
    assert report["name"] == "Essex – National Child Protection Re-inspection"
    assert report["url"].startswith("https://www.justiceinspectorates.gov.uk/hmic/publications/")
    assert report["datePublished"] == article["datePublished"] == "2016-12-14"
    assert report["inLanguage"] == "en-GB" and report["publisher"]["alternateName"] == "HMIC"
    assert report["about"]["name"] == "Essex Police"
    assert article["headline"] == (
        "Child protection in Essex is improving but there is still more to do"
    )
    files = report["encoding"] + article["encoding"]
    assert len(files) == 6
    for entry in files:
        data_bytes = (folder / entry["name"]).read_bytes()
        assert entry["contentSize"] == str(len(data_bytes))
        assert entry["sha256"] == hashlib.sha256(data_bytes).hexdigest()


def test_the_email_draft_is_text_then_html_from_the_press_office(published):
    _, folder = published
    message = email.message_from_bytes(
        (folder / "essex-press-release.eml").read_bytes(), policy=email.policy.default
    )
    assert message.get_content_type() == "multipart/alternative"
    parts = list(message.iter_parts())
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html"]  # RFC 2046
    assert all(p.get_content_charset() == "utf-8" for p in parts)
    assert message["X-Unsent"] == "1"
    assert message["From"] == "press.office@hmic.gsi.gov.uk"
    assert message["Subject"] == (
        "Child protection in Essex is improving but there is still more to do"
    )
    # Text in email has CRLF line ends (RFC 5322); otherwise it is the files, character for
    # character.
    for part, name in zip(
        parts, ("essex-press-release.txt", "essex-press-release.html"), strict=True
    ):
        assert part.get_content().replace("\r\n", "\n") == (folder / name).read_text("utf-8")
    raw = (folder / "essex-press-release.eml").read_bytes()
    assert max(len(line) for line in raw.split(b"\r\n")) <= 998  # SMTP's limit


def test_the_zip_is_the_same_bytes_every_time(published):
    project, folder = published
    archive = project.build_dir / "publish" / "essex.zip"
    first = archive.read_bytes()
    with zipfile.ZipFile(archive) as opened:
        names = opened.namelist()
        assert names == sorted(names) and len(names) == 8
        assert {info.date_time for info in opened.infolist()} == {(2016, 12, 14, 0, 0, 0)}
        assert opened.read("essex/SHA256SUMS") == (folder / "SHA256SUMS").read_bytes()
    shutil.rmtree(project.build_dir)
    assert invoke(project, "publish", "essex").exit_code == 0
    assert archive.read_bytes() == first


def test_publish_refuses_a_draft_and_a_warning(project_from):
    project = project_from()
    shutil.copy(FIXTURES / "valid" / "reports" / "kent.yaml", project.report_path("kent"))
    path = project.report_path("kent")
    text = path.read_text("utf-8")
    path.write_text(text.replace("status: final", "status: draft"), "utf-8")
    result = invoke(project, "publish", "kent")
    assert result.exit_code == 1 and "is a draft (status: draft); publish refuses it" in (
        result.stderr
    )
    path.write_text(text.replace("headline: Kent Police is", "headline: The force is"), "utf-8")
    result = invoke(project, "publish", "kent")
    assert result.exit_code == 1
    assert "warning: the headline does not name the force" in result.stderr
    assert "publish refuses what `validate --strict` refuses" in result.stderr
    assert not (project.build_dir / "publish").exists()


def test_an_embargo_heads_the_subject_and_a_past_one_needs_saying_so(project_from):
    project = project_from()
    path = project.report_path("essex")
    path.write_text(
        path.read_text("utf-8").replace(
            "press_release:\n", "press_release:\n  embargo: 2016-12-14 00:01\n", 1
        ),
        "utf-8",
    )
    refused = invoke(project, "publish", "essex")
    assert refused.exit_code == 1
    assert "the embargo (2016-12-14 00:01) has passed; --allow-past-embargo" in refused.stderr
    assert invoke(project, "publish", "essex", "--allow-past-embargo").exit_code == 0
    eml = project.build_dir / "publish" / "essex" / "essex-press-release.eml"
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert message["Subject"] == (
        "Embargoed until 00:01 Wednesday 14 December 2016: Child "
        "protection in Essex is improving but there is still more to do"
    )


def test_clean_removes_the_bundles_and_nothing_else(published):
    project, folder = published
    (folder / "notes-for-the-web-team.txt").write_text("mine")
    assert invoke(project, "clean", "essex").exit_code == 0
    assert [p.name for p in folder.iterdir()] == ["notes-for-the-web-team.txt"]
    assert not (project.build_dir / "publish" / "essex.zip").exists()


def test_the_embargo_is_compared_in_uk_time_whatever_the_machines_zone(project_from):
    """Thirty seconds before an embargo of 00:01 in London is before it whatever TZ says."""
    import datetime as dt
    import time

    from ncpi.commands.publish import publish
    from ncpi.errors import NcpiError

    project = project_from()
    essex = project.report_path("essex")
    text = essex.read_text("utf-8")
    assert "\npress_release:\n" in text
    essex.write_text(
        text.replace("\npress_release:\n", "\npress_release:\n  embargo: 2016-12-14 00:01\n")
    )
    embargo = dt.datetime(2016, 12, 14, 0, 1, tzinfo=dt.UTC)  # GMT in December
    try:
        for zone in ("UTC", "America/New_York", "Asia/Tokyo"):
            with pytest.MonkeyPatch.context() as patch:
                patch.setenv("TZ", zone)
                time.tzset()
                assert publish(project, ["essex"], now=embargo - dt.timedelta(seconds=30))
                with pytest.raises(NcpiError, match="the embargo"):
                    publish(project, ["essex"], now=embargo + dt.timedelta(seconds=30))
    finally:
        time.tzset()


def test_a_headline_on_two_lines_is_refused_at_its_line_not_in_a_traceback(project_from):
    """It is the email's subject: validate refuses what publish could not write."""
    project = project_from()
    essex = project.report_path("essex")
    text = essex.read_text("utf-8")
    old = "  headline: Child protection in Essex is improving but there is still more to do\n"
    assert old in text
    new = "  headline: |\n    Child protection in Essex is improving\n    but there is still more\n"
    essex.write_text(text.replace(old, new))
    line = text.splitlines().index(old.rstrip("\n")) + 1
    for command in (("validate", "--strict"), ("publish", "essex")):
        result = invoke(project, *command)
        assert result.exit_code == 1, command
        assert f"reports/essex.yaml:{line}:13: press_release.headline: the headline runs over" in (
            result.output + result.stderr
        ), command
        assert "Traceback" not in result.output + result.stderr


@pytest.mark.parametrize(
    "address",
    [
        *("x:y;@example.com", "a,b@example.com", "a@b.com>"),  # a group, a list, a stray >
        *("press@.example.com", "press@example..com", "press.@example.com"),  # empty atoms
        *('"press"@example.com', "press@exämple.com", "press@ex(ample).com"),
    ],
)
def test_the_press_office_is_one_mailbox_or_refused_at_its_line(project_from, address):
    project = project_from()
    common = project.common_path
    text = common.read_text("utf-8")
    old = "press_office: press.office@hmic.gsi.gov.uk"
    assert old in text
    common.write_text(text.replace(old, f"press_office: '{address}'"))
    line = next(n for n, row in enumerate(text.splitlines(), 1) if old in row)
    for command in (("validate",), ("publish", "essex")):
        result = invoke(project, *command)
        assert result.exit_code == 1, command
        output = result.output + result.stderr
        assert f"reports/_common.yaml:{line}:" in output, output
        assert "is not one email address" in output
        assert "Traceback" not in output


def test_a_website_or_report_address_of_the_wrong_shape_is_told_what_shape(project_from):
    """Each field with a pattern says what it wants, not that 'an id is letters, digits…'."""
    project = project_from()
    common = project.common_path
    text = common.read_text("utf-8")
    old = "website: www.justiceinspectorates.gov.uk/hmic\n"
    assert old in text
    common.write_text(text.replace(old, "website: https://www.justiceinspectorates.gov.uk/hmic\n"))
    essex = project.report_path("essex")
    report = essex.read_text("utf-8")
    essex.write_text(report.replace("\nreinspection:\n", "\nreinspection:\n  url: www.example\n"))
    output = invoke(project, "validate").output
    assert "website: 'https://www.justiceinspectorates.gov.uk…' is not a website as" in output
    assert "reinspection.url: 'www.example' is not a web address: write it in full" in output
    assert "an id is letters" not in output


@pytest.mark.parametrize(
    ("embargo", "until"),
    [("2016-12-14 00:01", "2016-12-14T00:01+00:00"), (None, None)],
)
def test_the_embargo_in_the_metadata_carries_its_uk_offset(project_from, embargo, until):
    """metadata.json's embargoUntil is UK time with its offset: one moment wherever it is read."""
    import json

    project = project_from()
    essex = project.report_path("essex")
    text = essex.read_text("utf-8")
    if embargo is not None:
        text = text.replace("\npress_release:\n", f"\npress_release:\n  embargo: {embargo}\n")
    essex.write_text(text)
    result = invoke(project, "publish", "essex", "--allow-past-embargo")
    assert result.exit_code == 0, result.output + result.stderr
    metadata = json.loads((project.build_dir / "publish" / "essex" / "metadata.json").read_text())
    article = next(item for item in metadata["@graph"] if item["@type"] == "NewsArticle")
    assert article.get("embargoUntil") == until


def test_a_welsh_force_is_bundled_once_with_both_editions(project_from):
    project = project_from("shipped")
    result = invoke(project, "publish", "dyfed-powys", "--allow-past-embargo")
    assert result.exit_code == 0, result.output + result.stderr
    assert "1 force(s) ready to publish" in result.output
    names = {path.name for path in (project.build_dir / "publish" / "dyfed-powys").iterdir()}
    assert {"dyfed-powys-report.pdf", "dyfed-powys-report-cy.pdf"} <= names


def _named_by_the_bundle(folder) -> dict[str, set[str]]:
    """What the folder, SHA256SUMS, metadata.json and the zip each say the bundle holds."""
    sums = {line.split("  ", 1)[1] for line in (folder / "SHA256SUMS").read_text().splitlines()}
    graph = json.loads((folder / "metadata.json").read_text("utf-8"))["@graph"]
    described = {file["name"] for node in graph for file in node["encoding"]}
    with zipfile.ZipFile(folder.parent / f"{folder.name}.zip") as opened:
        zipped = {name.split("/", 1)[1] for name in opened.namelist()}
    return {
        "folder": {path.name for path in folder.iterdir()},
        "checksums": sums | {"SHA256SUMS"},
        "metadata": described | {"metadata.json", "SHA256SUMS"},
        "zip": zipped,
    }


def test_a_welsh_bundle_describes_and_mails_both_editions(project_from):
    project = project_from("shipped")
    embargo = "press_release:\n  embargo: 2015-11-24 00:01\n"  # in the English file only
    edit(project.reports_dir / "dyfed-powys.yaml", "press_release:\n", embargo)
    result = invoke(project, "publish", "dyfed-powys", "--allow-past-embargo")
    assert result.exit_code == 0, result.output + result.stderr
    folder = project.build_dir / "publish" / "dyfed-powys"
    named = _named_by_the_bundle(folder)
    assert named["folder"] == named["checksums"] == named["metadata"] == named["zip"]
    assert "dyfed-powys-press-release-cy.eml" in named["folder"]
    graph = json.loads((folder / "metadata.json").read_text("utf-8"))["@graph"]
    assert [(node["@type"], node["inLanguage"]) for node in graph] == [
        ("Report", "en-GB"),
        ("NewsArticle", "en-GB"),
        ("Report", "cy"),
        ("NewsArticle", "cy"),
    ]
    assert graph[2]["translationOfWork"] == {"@id": graph[0]["@id"]}
    assert graph[0]["workTranslation"] == {"@id": graph[2]["@id"]}
    assert {file["name"] for file in graph[3]["encoding"]} == {
        f"dyfed-powys-press-release-cy.{ext}" for ext in ("txt", "html", "pdf", "eml")
    }
    welsh = email.message_from_bytes(
        (folder / "dyfed-powys-press-release-cy.eml").read_bytes(), policy=email.policy.default
    )
    assert welsh["Content-Language"] == "cy"
    assert welsh["Subject"].startswith(
        "Embargo tan 00:01 dydd Mawrth 24 Tachwedd 2015: Dyfed-Powys"
    )
    text = welsh.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert text == (folder / "dyfed-powys-press-release-cy.txt").read_text("utf-8")


def test_a_withdrawn_edition_leaves_nothing_in_the_bundle(published):
    project, folder = published
    # What a bundle of an edition since withdrawn (a Welsh one) left in the folder.
    withdrawn = [
        f"essex-{kind}-cy.{ext}"
        for kind, exts in (("report", ("pdf", "html")), ("press-release", ("txt", "html", "pdf")))
        for ext in exts
    ] + ["essex-press-release-cy.eml"]
    for name in withdrawn:
        (folder / name).write_text("from an earlier bundle")
    (folder / "notes.txt").write_text("the web team's own")  # not ncpi's: left alone
    assert invoke(project, "publish", "essex").exit_code == 0
    named = _named_by_the_bundle(folder)
    assert named["folder"] - {"notes.txt"} == named["checksums"] == named["metadata"]
    assert named["checksums"] == named["zip"]
    assert not any((folder / name).exists() for name in withdrawn)
    assert (folder / "notes.txt").is_file()


def test_a_headline_that_looks_like_an_encoded_word_reads_as_typed_in_the_subject(project_from):
    project = project_from()
    typed = "Essex =?utf-8?q?improves?= child protection"
    edit(
        project.report_path("essex"),
        "  headline: Child protection in Essex is improving but there is still more to do",
        f"  headline: '{typed}'",
    )
    result = invoke(project, "publish", "essex")
    assert result.exit_code == 0, result.output + result.stderr
    raw = (project.build_dir / "publish" / "essex" / "essex-press-release.eml").read_bytes()
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["Subject"] == typed
    assert all(len(line) <= 78 for line in raw.split(b"\r\n\r\n")[0].split(b"\r\n"))


def test_the_email_text_and_subject_are_plain_words_where_the_report_has_markup(project_from):
    project = project_from()
    report = project.report_path("essex")
    edit(
        report,
        "  headline: Child protection in Essex is improving but there is still more to do",
        "  headline: Child protection in Essex is *improving* but there is still more to do",
    )
    edit(
        report,
        "        Last year we reported that Essex Police",
        "        Last year we **reported** that Essex Police",
    )
    result = invoke(project, "publish", "essex")
    assert result.exit_code == 0, result.output + result.stderr
    raw = (project.build_dir / "publish" / "essex" / "essex-press-release.eml").read_bytes()
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["Subject"] == (
        "Child protection in Essex is improving but there is still more to do"
    )
    text = message.get_body(("plain",)).get_content()
    assert "“Last year we reported that Essex Police" in text
    assert "*" not in text
    # A headline is a title everywhere (page title, subject, metadata): plain words in each.
    html = message.get_body(("html",)).get_content()
    assert "<h1>Child protection in Essex is improving but" in html
    assert "Last year we <strong>reported</strong> that" in html


#: Characters an address is made of, and those that make it something else (RFC 5322's
#: specials, a backslash, a control character, letters outside ASCII).
_ADDRESS_CHARACTERS = "abcXYZ019.-_+'!#$%&*/=?^`{|}~" + '@.()<>,;:\\"[] \x7fé'


def _read_as_one(text: str) -> bool:
    """The email package's own reading: exactly one unquoted address, as typed, or not."""
    try:
        address = Address(addr_spec=text)
    except Exception:  # ValueError, IndexError, or HeaderParseError ('a@.b.com')
        return False
    unquoted = not address.username.startswith('"') and '"' not in text
    return getaddresses([text]) == [("", text)] and unquoted and text.isascii()


def test_an_address_is_one_mailbox_exactly_when_the_email_package_reads_one():
    # The rule does not load the email package (a thirtieth of a first validation); it must
    # agree with it, and every address it lets through is the draft's sender as typed.
    pick = random.Random(26)
    tried = {"press.office@hmic.gsi.gov.uk", "HMICPressOffice@hmicfrs.gov.uk", "a@b.c"}
    while len(tried) < 20_000:
        local = "".join(pick.choices(_ADDRESS_CHARACTERS, k=pick.randint(1, 6)))
        domain = "".join(pick.choices(_ADDRESS_CHARACTERS, k=pick.randint(1, 6)))
        tried.add(f"{local}@{domain}.{pick.choice(['uk', 'com', 'x'])}")
    accepted = 0
    for address in sorted(tried):
        assert _one_mailbox(address) == _read_as_one(address), address
        if _one_mailbox(address):
            accepted += 1
            message = EmailMessage(policy=SMTP)
            message["From"] = address
            message.set_content("text")
            assert f"From: {address}\r\n".encode() in message.as_bytes(), address
    assert 1_000 < accepted < 19_000  # Both kinds were tried, many times.
