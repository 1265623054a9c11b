"""`ncpi publish`: what goes to the web team and the press office, checked, in one folder.

For each force: refuse a draft or anything `validate --strict` refuses, build with --final,
then write build/publish/FORCE/ (the documents and an email draft of the press release, in
each language, metadata.json and SHA256SUMS) and build/publish/FORCE.zip. The bundle holds
exactly the files its metadata and checksums name; the same inputs give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from email import _header_value_parser
from email.header import Header, decode_header, make_header
from email.headerregistry import BaseHeader, HeaderRegistry, UnstructuredHeader
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path
from typing import cast

from ncpi.build.outputs import remove_from_bundle, write_outputs
from ncpi.build.pipeline import build_targets
from ncpi.build.targets import (
    BUNDLE_CHECKSUMS,
    BUNDLE_METADATA,
    BuildOptions,
    Target,
    bundle_paths,
    output_paths,
    targets_of,
)
from ncpi.check.validate import CheckResult, check_project
from ncpi.errors import NcpiError, ValidationFailed, source_date_epoch
from ncpi.model import presented
from ncpi.project import Project
from ncpi.publication import in_uk_time
from ncpi.publication import now as current_moment
from ncpi.render.documents import document_context
from ncpi.render.languages import IN_ENGLISH, LANGUAGES, Language
from ncpi.render.markup import plain

#: The largest document a bundle takes (a report of 1,000 recommendations is about 2 MB).
MAX_DOCUMENT_BYTES = 200_000_000


@dataclass(frozen=True)
class Bundle:
    """A force's publication bundle: its folder's files and the zip of them."""

    slug: str
    files: list[Path]
    archive: Path


def publish(
    project: Project,
    slugs: list[str],
    *,
    allow_past_embargo: bool = False,
    now: dt.datetime | None = None,
    **build_options,
) -> list[Bundle]:
    """Check, build with --final, and bundle each force; the first refusal stops them all."""

    checked = check_project(project, slugs)
    refusals = checked.errors + checked.warnings
    if refusals:
        raise ValidationFailed(refusals)

    # UK time, whatever the machine's time zone: an embargo is the inspectorate's local time.
    now = in_uk_time(now or current_moment())
    for slug in slugs:
        report = checked.reports[slug]
        if report.status == "draft":
            raise NcpiError(
                f"{project.display(project.report_path(slug))} is a draft "
                "(status: draft); publish refuses it"
            )
        embargo = report.press_release.embargo
        if embargo is not None and in_uk_time(embargo) < now and not allow_past_embargo:
            raise NcpiError(
                f"{slug}: the embargo ({embargo:%Y-%m-%d %H:%M}) has passed; "
                "--allow-past-embargo publishes anyway"
            )
    options = BuildOptions(final=True, **build_options)
    targets = [target for slug in slugs for target in targets_of(slug, project.languages(slug))]
    outcomes = build_targets(project, targets, options, checked=checked)
    failed = [outcome for outcome in outcomes if outcome.state == "failed"]
    if failed:
        raise NcpiError("; ".join(f"{o.target} failed: {o.reason}" for o in failed))
    return [_bundle(project, slug, checked) for slug in slugs]


def _editions(project: Project, slug: str, checked: CheckResult) -> dict[str, dict]:
    """Each language's document context, English first: what the bundle's files are made of."""
    if checked.common is None:  # Refused before this, with the common data's problems.
        raise NcpiError("the common data did not pass its checks")
    editions = {"en": document_context(checked.reports[slug], checked.common)}
    if "cy" in project.languages(slug) and checked.welsh_common is not None:
        welsh = checked.welsh[slug]
        editions["cy"] = document_context(welsh, checked.welsh_common, "cy", project.templates_dir)
    return editions


def _bundle(project: Project, slug: str, checked: CheckResult) -> Bundle:
    """Write build/publish/FORCE/ and build/publish/FORCE.zip from the built documents, and
    remove what an earlier bundle held and this one does not (a withdrawn Welsh edition)."""

    editions = _editions(project, slug, checked)
    documents = {}
    for target in targets_of(slug, list(editions)):
        for path in output_paths(project, target).values():
            # Just written by the build; still read bounded, and never through a link.
            documents[path.name] = project.read_input(path, MAX_DOCUMENT_BYTES)
    for code, context in editions.items():
        names = Target(slug, "press-release", code).output_names
        documents[email_name(slug, code)] = email_draft(
            context,
            documents[names["press-release.txt"]],
            documents[names["press-release.html"]],
            LANGUAGES[code],
        )
    documents[BUNDLE_METADATA] = metadata_json(editions, slug, documents)
    documents[BUNDLE_CHECKSUMS] = checksums(documents)
    folder, archive = bundle_paths(project, slug)
    stamp = _timestamp(presented(checked.reports[slug]).published)
    files = {folder / name: data for name, data in documents.items()}
    write_outputs(project, {**files, archive: reproducible_zip(slug, documents, stamp)})
    remove_from_bundle(project, slug, keep=set(documents))
    return Bundle(slug, sorted(files), archive)


def email_name(slug: str, language: str) -> str:
    """The email draft's file name: essex-press-release.eml, dyfed-powys-press-release-cy.eml."""
    return f"{slug}-press-release{LANGUAGES[language].file_suffix}.eml"


def email_draft(context: dict, text: bytes, html: bytes, language: Language = IN_ENGLISH) -> bytes:
    """The press release as an email draft: plain text first, then HTML (RFC 2046 order)."""
    release = context["report"].press_release
    sender = context["inspectorate"].press_office
    if sender is None:
        raise NcpiError(
            "the common data gives no press office address for "
            f"{context['inspectorate'].abbreviation} (inspectorates[].press_office): "
            "the email draft needs a sender"
        )
    subject = plain(release.headline)
    if release.embargo is not None:
        subject = f"{language.embargo_line(release.embargo)}: {subject}"
    message = EmailMessage(policy=_SMTP_WITH_ENCODED_SUBJECT if "=?" in subject else SMTP)
    message["From"] = sender
    message["Subject"] = _encoded_words(subject) if "=?" in subject else subject
    message["X-Unsent"] = "1"  # mail clients open it as a draft to send
    # Quoted-printable: a paragraph is one line, and SMTP allows no line over 998 bytes.
    message.set_content(
        text.decode("utf-8"), subtype="plain", charset="utf-8", cte="quoted-printable"
    )
    message.add_alternative(
        html.decode("utf-8"), subtype="html", charset="utf-8", cte="quoted-printable"
    )
    # After the content, which clears every Content-* header.
    message["Content-Language"] = language.tag
    # The email package draws a random boundary; one from the content keeps the bytes the same.
    message.set_boundary("=_ncpi_" + hashlib.sha256(text + html).hexdigest()[:32])
    return message.as_bytes()


class _EncodedSubject(UnstructuredHeader):
    """A Subject given as RFC 2047 encoded words, sent as they are (the email package would
    otherwise decode them, and a mail client would show '=?utf-8?q?…?=' typed in a headline
    as something else)."""

    @classmethod
    def parse(cls, value, kwds):
        tokens: list = []
        for word in value.split():
            if tokens:
                tokens.append(_header_value_parser.WhiteSpaceTerminal(" ", "fws"))
            tokens.append(_header_value_parser.ValueTerminal(word, "vtext"))
        kwds["parse_tree"] = _header_value_parser.UnstructuredTokenList(tokens)
        kwds["decoded"] = str(make_header(decode_header(value)))


def _encoded_words(text: str) -> str:
    """The text as UTF-8 encoded words, each within RFC 2047's 75 characters."""
    return " ".join(Header(text, "utf-8", header_name="Subject").encode(linesep="\n").split())


_SUBJECT_AS_ENCODED = HeaderRegistry()
# The registry mixes BaseHeader into the class it is given, as for its own UnstructuredHeader;
# typeshed's signature asks for the mixed class.
_SUBJECT_AS_ENCODED.map_to_type("subject", cast("type[BaseHeader]", _EncodedSubject))
#: For a subject that holds '=?': every word of it encoded, so that it reads as typed.
_SMTP_WITH_ENCODED_SUBJECT = SMTP.clone(header_factory=_SUBJECT_AS_ENCODED)


def metadata_json(editions: dict[str, dict], slug: str, documents: dict[str, bytes]) -> bytes:
    """schema.org JSON-LD: each edition's report and news article (English first), and every
    file's size and SHA-256; a Welsh edition is a translation of the English one."""
    graph: list[dict] = []
    for code, context in editions.items():
        graph += _edition_graph(context, slug, code, documents)
    if len(editions) > 1:
        english_report, welsh_report = graph[0], graph[2]
        welsh_report["translationOfWork"] = {"@id": english_report["@id"]}
        english_report["workTranslation"] = {"@id": welsh_report["@id"]}
    data = {"@context": "https://schema.org", "@graph": graph}
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _edition_graph(context: dict, slug: str, code: str, documents: dict[str, bytes]) -> list:
    """One edition's report and news article, with the files of that language."""
    report, force = context["report"], context["force"]
    inspectorate = context["inspectorate"]
    language = LANGUAGES[code]
    names = {
        suffix: name
        for kind in ("report", "press-release")
        for suffix, name in Target(slug, kind, code).output_names.items()
    }
    published = presented(report).published.isoformat()
    publisher = {
        "@type": "GovernmentOrganization",
        "name": inspectorate.name,
        "alternateName": inspectorate.abbreviation,
        "url": f"https://{inspectorate.website}/",
    }
    about = {"@type": "GovernmentOrganization", "name": force.name, "identifier": slug}

    def file(name: str, kind: str) -> dict:
        data = documents[name]
        return {
            "@type": "MediaObject",
            "name": name,
            "encodingFormat": kind,
            "contentSize": str(len(data)),
            "sha256": hashlib.sha256(data).hexdigest(),
        }

    # The English report keeps its public address as its id; the Welsh one its own file.
    report_id = context["report_url"] if code == "en" else f"{context['report_url']}#{code}"
    article: dict = {
        "@type": "NewsArticle",
        "headline": plain(report.press_release.headline),
        "datePublished": published,
        "inLanguage": language.tag,
        "publisher": publisher,
        "about": about,
        "isBasedOn": report_id,
        "encoding": [
            file(names["press-release.txt"], "text/plain"),
            file(names["press-release.html"], "text/html"),
            file(names["press-release.pdf"], "application/pdf"),
            file(email_name(slug, code), "message/rfc822"),
        ],
    }
    if report.press_release.embargo is not None:
        # UK time with its offset, so that the moment is the same whatever reads it.
        embargo = in_uk_time(report.press_release.embargo)
        article["embargoUntil"] = embargo.isoformat(timespec="minutes")
    return [
        {
            "@type": "Report",
            "@id": report_id,
            "name": context["title"],
            "url": context["report_url"],
            "datePublished": published,
            "inLanguage": language.tag,
            "publisher": publisher,
            "about": about,
            "encoding": [
                file(names["report.pdf"], "application/pdf"),
                file(names["report.html"], "text/html"),
            ],
        },
        article,
    ]


def checksums(documents: dict[str, bytes]) -> bytes:
    """SHA256SUMS as `sha256sum -c` reads it: the hash, two spaces, the name; sorted."""
    lines = [
        f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in sorted(documents.items())
    ]
    return "".join(lines).encode("utf-8")


def _timestamp(published: dt.date) -> tuple[int, int, int, int, int, int]:
    """Every file's time in the zip: SOURCE_DATE_EPOCH if set, else the publication date."""

    epoch = source_date_epoch()
    if epoch is not None:
        moment = dt.datetime.fromtimestamp(max(epoch, 315532800), dt.UTC)  # >= 1980
        return moment.timetuple()[:6]
    return (published.year, published.month, published.day, 0, 0, 0)


def reproducible_zip(slug: str, documents: dict[str, bytes], stamp) -> bytes:
    """The bundle as a zip whose bytes depend on the files only: fixed order, times, modes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(documents):
            info = zipfile.ZipInfo(f"{slug}/{name}", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o100644 << 16  # a regular file, rw-r--r--
            info.create_system = 3  # Unix, whatever the machine
            archive.writestr(info, documents[name], compresslevel=9)
    return buffer.getvalue()
