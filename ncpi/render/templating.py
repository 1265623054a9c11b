"""Jinja2 set-up: strict, escaping HTML, with a user's templates before the built-in ones."""

from __future__ import annotations

import base64
import hashlib
import os
import re
import stat
import sys
import unicodedata
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import cast

import jinja2
import jinja2.bccache
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup, escape

from ncpi.defaults import builtin_templates_dir
from ncpi.reading import UnsafeInput, read_bounded
from ncpi.render.languages import LANGUAGES, read_catalogue
from ncpi.render.markup import block, inline, plain
from ncpi.render.names import (
    CATALOGUE,
    catalogue_paths,
    find_template,
)
from ncpi.render.watermark import watermark_image

#: The files asset() read during the current render (path -> SHA-256), for the build record.
ASSETS_READ: ContextVar[dict[str, str] | None] = ContextVar("assets_read", default=None)
#: Set while a dry run renders only ncpi's templates: asset() checks each file is there, but
#: embeds it empty (the same four fonts in every document were a tenth of a dry run's time),
#: and reads none unless the render records what it read (ASSETS_READ).
EMBED_EMPTY: ContextVar[bool] = ContextVar("embed_empty", default=False)
#: The largest image or file a template may embed with asset().
MAX_ASSET_BYTES = 5_000_000


def slugify(text: str) -> str:
    """A title as the last part of a web address: 'Essex – National …' -> 'essex-national-…'."""

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def unbroken_hyphens(text: str):
    """Text as HTML in which no hyphenated word breaks at its hyphen ('Re-' / 'inspection')."""

    escaped = str(escape(text))
    return Markup(re.sub(r"\w+(?:-\w+)+", r'<span class="nowrap">\g<0></span>', escaped))


def sentence_start(text: str) -> str:
    """The text with its first letter capitalised: 'within one month' -> 'Within one month'."""
    return text[:1].upper() + text[1:]


def _autoescape(name: str | None) -> bool:
    # select_autoescape() does not match '*.html.j2'. Plain text and YAML must never be
    # HTML-escaped; anything else is, to be safe.
    return name is None or not name.endswith((".txt.j2", ".yaml.j2"))


def make_environment(user_templates: Path | None, language: str = "en") -> jinja2.Environment:
    """A strict environment: the user's folder first, then the defaults, also as 'default:…'.

    Its words, dates and counts are in `language` ("en" or "cy"): `_()` in a template looks
    the text up in the language's catalogue.
    """
    return _environment(*_environment_key(user_templates, language))


def template_source(env: jinja2.Environment, name: str) -> tuple[str, str]:
    """A template's source and its file, as the environment's loader (always a file system
    loader, through a choice of folders) finds it; TemplateNotFound if none has it."""
    loader = cast("jinja2.BaseLoader", env.loader)
    source, filename, _ = loader.get_source(env, name)
    return source, cast(str, filename)


def _environment_key(
    user_templates: Path | None, language: str
) -> tuple[Path | None, str, tuple | None]:
    """What an environment (and its gettext) is kept for: the templates folder if it exists,
    the language, and the state of its catalogues."""
    # Keyed on the folder's existence too, so that one created later (under `watch`) counts.
    exists = user_templates is not None and user_templates.is_dir()
    folder = user_templates if exists else None
    if language == "en":
        return folder, language, None

    # Keyed on the catalogues' contents too, so that an edited one counts under `watch`.
    stamp = tuple(
        (str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in catalogue_paths(language, folder)
    )
    return folder, language, stamp


class _TemplateLoader(jinja2.BaseLoader):
    """Templates as `find_template` finds them: the one rule, which build records use too."""

    def __init__(self, user_templates: Path | None) -> None:
        self.user_templates = user_templates

    def get_source(self, environment: jinja2.Environment, template: str):
        path = find_template(self.user_templates, template)
        if path is None:
            raise jinja2.TemplateNotFound(template)
        source = path.read_text(encoding="utf-8")
        mtime = path.stat().st_mtime

        def uptodate() -> bool:
            try:
                return path.stat().st_mtime == mtime
            except OSError:
                return False

        return source, str(path), uptodate


#: What the templates load through Jinja: templates, and the stylesheets they include.
COMPILED_SUFFIXES = (".j2", ".css")


def installed_bytecode_folder() -> Path:
    """Where ncpi's own templates are kept compiled: inside its installation (see below)."""
    return Path(sys.prefix) / "share" / "ncpi" / "template-bytecode"


class _InstalledBytecode(jinja2.BytecodeCache):
    """ncpi's templates as compiled when it was installed (scripts/setup.sh), as pip compiles
    Python modules: read at run time, never written, so ncpi writes nothing outside build/.

    The folder is inside the installation, as trusted as ncpi's code; a project's folder would
    let a cloned project run code. Jinja keys a template by its name and file and checks its
    source's SHA-1, so a project's own template, or an edited one, is compiled as before.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            with open(self.folder / f"{bucket.key}.cache", "rb") as file:
                bucket.load_bytecode(file)
        except FileNotFoundError:
            pass
        except Exception:  # Cut short or damaged (Jinja reads it with pickle): compile anew.
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        pass


def compile_installed_templates(folder: Path | None = None) -> int:
    """Compile each of ncpi's own templates into `folder` (the installation's by default), as
    its environments compile them: once for ncpi's templates alone, once for the sandbox a
    project's templates are rendered in. The number of templates. Run by scripts/setup.sh."""
    folder = folder or installed_bytecode_folder()
    names = sorted(
        path.relative_to(builtin_templates_dir()).as_posix()
        for path in builtin_templates_dir().rglob("*")
        if path.suffix in COMPILED_SUFFIXES
    )
    # A project's folder need not exist: the sandbox is chosen by whether one is named.
    for project_templates in (None, folder / "no-project-templates"):
        flavour = folder / _flavour(project_templates)
        flavour.mkdir(parents=True, exist_ok=True)
        bytecode = jinja2.FileSystemBytecodeCache(str(flavour), "%s.cache")
        env = _new_environment(project_templates, "en", None, bytecode)
        for name in names:
            env.get_template(name)
    return len(names)


def _flavour(user_templates: Path | None) -> str:
    """The bytecode folder of an environment: Jinja compiles a call differently in a sandbox,
    so code compiled for one environment must not run in the other."""
    return "ncpi" if user_templates is None else "sandboxed"


@cache
def _environment(
    user_templates: Path | None, language: str, catalogue_stamp: tuple | None
) -> jinja2.Environment:
    return _new_environment(
        user_templates,
        language,
        catalogue_stamp,
        _InstalledBytecode(installed_bytecode_folder() / _flavour(user_templates)),
    )


def _new_environment(
    user_templates: Path | None,
    language: str,
    catalogue_stamp: tuple | None,
    bytecode_cache: jinja2.BytecodeCache,
) -> jinja2.Environment:
    # Sandboxed: a project's own template is input like a report, so it may reach no Python
    # internals (cycler.__init__.__globals__ and the like) and change no data it is given.
    # ncpi's own templates, alone, are its code: the sandbox's checks of every attribute and
    # call would only take a fifth of each render's time.
    environment_class = (
        jinja2.Environment if user_templates is None else (ImmutableSandboxedEnvironment)
    )
    env = environment_class(
        loader=_TemplateLoader(user_templates),
        bytecode_cache=bytecode_cache,
        undefined=jinja2.StrictUndefined,
        autoescape=_autoescape,
        extensions=["jinja2.ext.i18n"],
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )

    filters, functions = LANGUAGES[language].template_functions()
    env.filters.update(
        sentence_start=sentence_start,
        block=block,
        inline=inline,
        plain=plain,
        unbroken_hyphens=unbroken_hyphens,
    )
    env.filters.update(filters)
    gettext = _gettext(user_templates, language, catalogue_stamp)

    def ngettext(one: str, many: str, count: int) -> str:
        return gettext(one if count == 1 else many)

    # A catalogue is a file of words, not of markup: its translation is escaped in HTML, as
    # text from a report is. The English is the template's own, markup included.
    in_html = Markup if language == "en" else escape
    # newstyle: a text's %(name)s are filled from keywords (escaped in HTML), in {% trans %} too.
    # jinja2.ext.i18n adds this method to the environment at run time, which no type can say.
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext, ngettext, newstyle=True
    )
    env.globals.update(_templates_gettext(gettext, ngettext, in_html))
    env.globals.update(
        functions,
        asset=_asset_function(user_templates),
        language=language,
        page_of_pages=lambda: _page_of_pages(gettext),
        watermark_image=watermark_image,
    )
    return env


def _templates_gettext(gettext, ngettext, in_html) -> dict:
    """`_`, gettext and ngettext for templates: what jinja2.ext.i18n's newstyle ones do, called
    directly. Jinja's `_` looks gettext up and calls it through the context, which calls the
    catalogue through it again: three calls of Context.call for each of the sixty-odd texts
    of a document, a tenth of its render."""

    @jinja2.pass_eval_context
    def templates_gettext(eval_context, text: str, /, **variables):
        words = gettext(text)
        if eval_context.autoescape:
            words = in_html(words)
        # Always a format string, as Jinja's: "%%" is "%" whether or not a variable is given.
        # Without a "%", formatting changes nothing: half the texts, and a third of the time.
        return words % variables if variables or "%" in words else words

    @jinja2.pass_eval_context
    def templates_ngettext(eval_context, one: str, many: str, count: int, /, **variables):
        variables.setdefault("num", count)
        words = ngettext(one, many, count)
        return (in_html(words) if eval_context.autoescape else words) % variables

    return {"_": templates_gettext, "gettext": templates_gettext, "ngettext": templates_ngettext}


def _page_of_pages(gettext):
    """CSS content for a page's number, from the catalogue: '"Page " counter(page) " of " …'."""

    parts = []
    for part in re.split(r"(%\((?:page|pages)\)s)", gettext("Page %(page)s of %(pages)s")):
        if part in ("%(page)s", "%(pages)s"):
            parts.append(f"counter({part[2:-2]})")
        elif part:
            parts.append('"' + part.replace("\\", "\\\\").replace('"', '\\"') + '"')
    return Markup(" ".join(parts))


def translator(user_templates: Path | None, language: str):
    """The plain gettext of a language, for words written by Python rather than a template."""
    return _gettext(*_environment_key(user_templates, language))


@cache
def _gettext(user_templates: Path | None, language: str, catalogue_stamp: tuple | None):
    """The language's gettext: English as written; else from its catalogue, never English.

    Kept, as the environment is, while the catalogues are unchanged (`catalogue_stamp`).

    A text with no translation stops the render with its template's file and line, so that
    no English is left in a Welsh edition.
    """
    if language == "en":
        return lambda text: text

    catalogue = read_catalogue(language, user_templates)

    def gettext(text: str) -> str:
        if text not in catalogue:
            raise jinja2.TemplateRuntimeError(
                f"no {language} translation of '{text}' in {CATALOGUE.format(code=language)}"
            )
        return catalogue[text]

    return gettext


#: The media type of each kind of file a template embeds, by its suffix: ncpi's own, not the
#: machine's. Python's table lacks the fonts (.woff is font/woff only where /etc/mime.types
#: says so; octet-stream elsewhere), so the same HTML differed from machine to machine, and
#: reading that table cost each process 5 ms.
ASSET_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".css": "text/css",
}
UNKNOWN_TYPE = "application/octet-stream"

#: Each asset read and encoded once per process, by its path and what its file's stat says
#: of it (a changed file is read again): a batch dry-run renders the fonts 300 times.
_ASSETS_ENCODED: dict[tuple[str, int, int], tuple[str, Markup]] = {}


def _asset_function(user_templates: Path | None):
    """asset(name): a file of the templates folders as a data: URL, for <img src> and CSS.

    The HTML edition is a single file in build/FORCE/, where a relative path to an image would
    not resolve; a data: URL works in the HTML and the PDF alike.
    """

    # The folders resolved once, not at each of a batch's hundreds of asset() calls.
    roots = [
        (folder, os.path.realpath(folder))
        for folder in (user_templates, builtin_templates_dir())
        if folder is not None
    ]

    # Each name's paths, resolved once: a batch asks for the same dozen names hundreds of
    # times. A link made later is still never followed outside: what the stat below finds
    # anew is read through read_bounded, which resolves the path again.
    resolved: dict[str, list[str]] = {}

    def asset(name: str):

        if name not in resolved:
            if len(resolved) > 64:  # names made from data, in a long preview: forget
                resolved.clear()
            # On strings: pathlib's resolve, is_file and stat took a seventh of a dry run.
            resolved[name] = [os.path.realpath(os.path.join(root, name)) for _, root in roots]
        for (folder, root), path in zip(roots, resolved[name], strict=True):
            if not path.startswith(root + os.sep):
                continue  # Never outside the templates folders, links included.
            try:
                info = os.stat(path)
            except OSError:
                continue
            if not stat.S_ISREG(info.st_mode):
                continue
            kind = ASSET_TYPES.get(os.path.splitext(path)[1].lower(), UNKNOWN_TYPE)
            if EMBED_EMPTY.get() and ASSETS_READ.get() is None and info.st_size <= MAX_ASSET_BYTES:
                # A dry run that records nothing embeds no bytes: it need not read them.
                return Markup(f"data:{kind};base64,")
            key = (path, info.st_mtime_ns, info.st_size)
            if key not in _ASSETS_ENCODED:
                if len(_ASSETS_ENCODED) > 64:  # a long preview, its assets edited: forget
                    _ASSETS_ENCODED.clear()
                try:
                    data = read_bounded(Path(path), limit=MAX_ASSET_BYTES, within=[folder])
                except (OSError, UnsafeInput) as error:
                    raise jinja2.TemplateRuntimeError(f"asset('{name}'): {error}") from error
                url = f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"
                _ASSETS_ENCODED[key] = (hashlib.sha256(data).hexdigest(), Markup(url))
            digest, url = _ASSETS_ENCODED[key]
            record = ASSETS_READ.get()
            if record is not None:
                record[path] = digest
            if EMBED_EMPTY.get():
                return Markup(url[: url.index(",") + 1])  # data:TYPE;base64, and no bytes
            return url
        raise jinja2.TemplateRuntimeError(
            f"asset('{name}'): no such file in templates/ (or ncpi's own templates)"
        )

    return asset
