"""What a target is built from, as it is now: its data files and every template its entry
templates reach, hashed before the build reads them (see incremental for the records)."""

from __future__ import annotations

from pathlib import Path

import jinja2
from jinja2 import meta

from ncpi.build.incremental import Inputs, file_hash, input_files, input_folders
from ncpi.build.targets import ENTRY_TEMPLATES, Target
from ncpi.project import Project
from ncpi.render.templating import make_environment, template_source


def template_closure(project: Project, kind: str) -> dict[str, Path] | None:
    """Every template a target's entry templates reach, by name, as the loader resolves it.

    None when a template includes a name computed at render time, which cannot be followed.
    """

    env = make_environment(project.templates_dir)
    found: dict[str, Path] = {}
    pending = list(ENTRY_TEMPLATES[kind])
    while pending:
        name = pending.pop()
        if name in found:
            continue
        try:
            source, filename = template_source(env, name)
            found[name] = Path(filename)
            referenced = list(meta.find_referenced_templates(env.parse(source)))
        except (jinja2.TemplateNotFound, jinja2.TemplateSyntaxError):
            continue  # validation reports it; the build will fail and leave no manifest.
        names = [reference for reference in referenced if reference is not None]
        if len(names) < len(referenced):  # A name computed at render time.
            return None
        pending += names
    return found


def current_inputs(project: Project, target: Target) -> Inputs:
    """Hash the report, the common data and the templates the target uses, as they are now."""
    inputs = Inputs()
    within = input_folders(project)
    closure = template_closure(project, target.kind)
    for path in input_files(project, target, computed=closure is None):
        inputs.files[str(path)] = file_hash(path, within) or "missing"
    if closure is not None:
        for name, path in sorted(closure.items()):
            inputs.templates[name] = [str(path), file_hash(path, within) or "missing"]
    return inputs
