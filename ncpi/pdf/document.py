"""Stage 3b, PDF: one WeasyPrint call on the rendered HTML, reading only the project's own assets.

WeasyPrint is imported here and only here, on first use, so `ncpi validate` and `ncpi --help`
start fast.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ncpi.defaults import quiet_font_tools
from ncpi.errors import RenderError
from ncpi.pdf import DEFAULT_VARIANT, PDF_VARIANTS
from ncpi.pdf.artifacts import finish_pdf
from ncpi.pdf.fonts import FONT_FILES
from ncpi.pdf.parts import pdf_in_parts
from ncpi.processes import code_loaded, collect_as_usual


class _CollectingHandler(logging.Handler):
    """Keeps WeasyPrint's warnings and errors, which it only logs, so a build can fail on them."""

    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def import_weasyprint() -> None:
    """Import WeasyPrint, or explain which system libraries are missing; about 1 s, once."""

    try:
        # WeasyPrint prints its own troubleshooting banner to stdout when a library is missing;
        # the message below says the same in one line.
        with contextlib.redirect_stdout(io.StringIO()):
            tags = _import_libraries_by_soname()
    except (OSError, ImportError) as error:
        # cffi raises OSError ("cannot load library 'libpango-1.0-0'") when Pango is missing.
        raise RenderError(
            f"WeasyPrint cannot start: {error}. It needs the Pango and HarfBuzz libraries: "
            "run scripts/setup.sh, or `sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 "
            "libharfbuzz-subset0`"
        ) from error
    _tag_languages_of_parts(tags)
    quiet_font_tools()  # Without HarfBuzz's subsetter, WeasyPrint subsets with fontTools.
    code_loaded()  # WeasyPrint, the largest code of all: loaded.
    collect_as_usual()  # Its layouts are cycles: a long build must free them.


def _no_library_search(name: str) -> None:
    """ctypes.util.find_library while WeasyPrint loads its libraries: it finds nothing."""
    return None


def _import_libraries_by_soname():
    """Import WeasyPrint (its tags module, which ncpi wraps) without the 40-odd processes its
    libraries' other names start.

    WeasyPrint asks cffi for each library by every platform's name in turn
    ('libgobject-2.0-0', …, 'libgobject-2.0.so.0'). Each name dlopen does not know makes cffi
    call ctypes.util.find_library, which runs ldconfig, gcc and ld (Kozea/WeasyPrint#1125):
    0.15 s of the 0.37 s import, in every worker. On Linux each list holds the library's
    soname, which dlopen finds by itself, so the search is skipped while WeasyPrint loads.
    Where dlopen does not find them so (a library reachable only through that search), the
    import runs again as WeasyPrint always runs it.
    """
    if sys.platform.startswith("linux") and "weasyprint.text.ffi" not in sys.modules:
        import ctypes.util

        real = ctypes.util.find_library
        ctypes.util.find_library = _no_library_search
        try:
            import weasyprint.pdf.tags

            return weasyprint.pdf.tags
        except OSError:
            pass  # Python has let go of the modules that failed: they load again, searching.
        finally:
            ctypes.util.find_library = real
    import weasyprint.pdf.tags

    return weasyprint.pdf.tags


def _tag_languages_of_parts(tags) -> None:
    """Give each structure element made for an HTML element with its own `lang` a /Lang, once.

    WeasyPrint 70 puts the document's language in the catalogue only, so an English title
    quoted in a Welsh report (`<span lang="en-GB">`) was read as Welsh by a screen reader:
    PDF/UA-1 and WCAG 3.1.2 ask for the language of each part. WeasyPrint builds the structure
    tree in one recursive function of its tags module, which calls itself by its module name;
    wrapped there, every element it makes for a box passes through here. (Pinned WeasyPrint:
    tests/test_welsh.py reads the /Lang back, and fails if a new version changes this.)
    """
    build = tags._build_box_tree
    if getattr(build, "tags_languages", False):
        return

    def build_with_languages(box, *args):
        lang = None
        if box.element is not None and box.element_tag not in ("html", "body"):
            lang = box.element.get("lang")
        for element in build(box, *args):
            if lang and "Lang" not in element:
                element["Lang"] = tags.pydyf.String(lang)
            yield element

    build_with_languages.tags_languages = True  # type: ignore[attr-defined]
    tags._build_box_tree = build_with_languages


def _font_faces(fonts_dir: Path) -> str:
    # WeasyPrint needs file:// URIs in @font-face; a bare path silently falls back to DejaVu.
    rules = []
    for (style, weight), name in FONT_FILES.items():
        path = fonts_dir / name
        if not path.is_file():
            raise RenderError(
                f"font file missing: {path}; reinstall ncpi or restore templates/fonts/"
            )
        rules.append(
            f"@font-face {{ font-family: Lato; font-style: {style}; font-weight: {weight}; "
            f'src: url("{path.resolve().as_uri()}"); }}'
        )
    return "\n".join(rules)


def _require_language_and_title(root) -> None:
    # PDF/UA needs both; WeasyPrint only logs a missing language and says nothing of a title.
    missing = []
    if not (root.get("lang") or "").strip():
        missing.append('a language (<html lang="en-GB">)')
    title = root.find(".//title")
    if title is None or not "".join(title.itertext()).strip():
        missing.append("a title (<title>)")
    if missing:
        raise RenderError(
            "WeasyPrint reported a problem: the document has no " + " and no ".join(missing)
        )


def make_fetcher(allowed_dirs: list[Path], served: dict[str, str] | None = None):
    """A URL fetcher that serves data: URLs and files under `allowed_dirs`, and refuses the rest.

    Each file served is recorded in `served` (path -> SHA-256 of the bytes read), for the build
    manifest.
    """

    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    roots = [d.resolve() for d in allowed_dirs]

    class ProjectOnlyFetcher(URLFetcher):
        """Reads only the project's own assets; anything else stops the build."""

        def fetch(self, url, headers=None):
            scheme = urlsplit(url).scheme.lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file":
                # Symlinks are resolved first, so a link inside an asset folder cannot point out.
                path = Path(unquote(urlsplit(url).path)).resolve()
                if any(path.is_relative_to(root) for root in roots) and path.is_file():
                    response = super().fetch(path.as_uri(), headers)
                    try:
                        body = response.read()
                    finally:
                        response.close()
                    if served is not None:
                        served[str(path)] = hashlib.sha256(body).hexdigest()
                    return URLFetcherResponse(response.url, body, response.headers, response.status)
            raise FatalURLFetchingError(
                f"refused to read {url}: only the project's own "
                "templates, fonts and images may be used"
            )

    return ProjectOnlyFetcher(fail_on_errors=True)


def weasyprint_pdf(
    html: str,
    *,
    base_dir: Path,
    fonts_dir: Path,
    allowed_dirs: list[Path],
    variant: str = DEFAULT_VARIANT,
    served: dict[str, str] | None = None,
    finish: bool = True,
) -> bytes:
    """The PDF of an HTML document, finished (finish_pdf) unless `finish` is False, as
    WeasyPrint writes it; its warnings and refused resources fail the build.

    The files WeasyPrint read (fonts, images, stylesheets) are recorded in `served`. A
    document with a long table is made a part at a time (ncpi.pdf.parts), always finished.
    """
    return render_document(
        html,
        base_dir=base_dir,
        fonts_dir=fonts_dir,
        allowed_dirs=allowed_dirs,
        variant=variant,
        served=served,
        write="finished" if finish else "bare",
    )


def _html_of_tree(like, root):
    """A WeasyPrint document of an already parsed tree, read as `like` reads its own."""
    import cssselect2
    import weasyprint

    document = weasyprint.HTML.__new__(weasyprint.HTML)
    document.base_url, document.url_fetcher = like.base_url, like.url_fetcher
    document.media_type = like.media_type
    document.wrapper_element = cssselect2.ElementWrapper.from_html_root(root, content_language=None)
    document.etree_element = document.wrapper_element.etree_element
    return document


def render_document(
    html: str,
    *,
    base_dir: Path,
    fonts_dir: Path,
    allowed_dirs: list[Path],
    variant: str = DEFAULT_VARIANT,
    served: dict[str, str] | None = None,
    write: str = "",
):
    """WeasyPrint's laid-out pages of an HTML document; with `write`, the PDF's bytes, as
    WeasyPrint writes them ("bare") or "finished"."""
    import_weasyprint()
    import weasyprint
    from weasyprint.urls import FatalURLFetchingError

    if variant not in PDF_VARIANTS:
        raise RenderError(
            f"unknown PDF variant '{variant}'; choose one of {', '.join(PDF_VARIANTS)}"
        )
    fetcher = make_fetcher([*allowed_dirs, fonts_dir], served)
    handler = _CollectingHandler()
    weasyprint.LOGGER.addHandler(handler)
    try:
        document = weasyprint.HTML(
            string=html, base_url=base_dir.resolve().as_uri() + "/", url_fetcher=fetcher
        )
        _require_language_and_title(document.etree_element)
        fonts = weasyprint.text.fonts.FontConfiguration()
        stylesheet = weasyprint.CSS(
            string=_font_faces(fonts_dir), font_config=fonts, url_fetcher=fetcher
        )
        writing = {
            "pdf_variant": variant,
            "pdf_identifier": False,
            "custom_metadata": True,
            "uncompressed_pdf": False,
        }
        if write:
            result = None
            if write == "finished":
                result = pdf_in_parts(
                    html,
                    render=lambda root: _html_of_tree(document, root).render(
                        stylesheets=[stylesheet], font_config=fonts, pdf_variant=variant
                    ),
                    write=lambda laid_out, pages: laid_out.copy(pages).write_pdf(**writing),
                )
            if result is None:
                result = document.write_pdf(stylesheets=[stylesheet], font_config=fonts, **writing)
                if write == "finished":
                    result = finish_pdf(result)
        else:
            result = document.render(
                stylesheets=[stylesheet], font_config=fonts, pdf_variant=variant
            )
    except FatalURLFetchingError as error:
        # A BaseException in WeasyPrint: caught by name so it cannot escape as a traceback.
        cause = error.__cause__ or error
        raise RenderError(str(cause.args[0] if cause.args else cause)) from error
    except OSError as error:
        # WeasyPrint writes the fonts to a temporary folder for fontconfig: a full /tmp ends here.
        where = f" writing {error.filename}" if error.filename else ""
        raise RenderError(
            f"PDF rendering failed{where}: {error.strerror or error}; is the disk "
            "full? The previous outputs are unchanged"
        ) from error
    finally:
        weasyprint.LOGGER.removeHandler(handler)
    if handler.messages:
        raise RenderError("WeasyPrint reported a problem: " + "; ".join(handler.messages))
    return result
