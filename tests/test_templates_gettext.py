"""The templates' `_`, gettext and ngettext answer as jinja2.ext.i18n's newstyle ones do."""

from __future__ import annotations

import jinja2
import pytest
from markupsafe import Markup, escape

from ncpi.render.templating import _templates_gettext

SNIPPETS = [
    '{{ _("Plain words") }}',
    '{{ _("The <abbr>HMIC</abbr> said %(what)s", what="<b>&</b>") }}',
    '{{ _("100%% of %(count)s cases", count=3) }}',
    '{{ ngettext("%(num)s case", "%(num)s cases", 1) }}',
    '{{ ngettext("%(num)s case", "%(num)s cases", 4) }}',
    '{{ ngettext("one of %(whom)s", "many of %(whom)s", 2, whom="<i>them</i>") }}',
    "{% trans %}A block{% endtrans %}",
    "{% trans n=3 %}{{ n }} thing{% pluralize %}{{ n }} things{% endtrans %}",
    '{{ gettext("Named %(x)s", x="<y>") }}',
]


def words(text: str) -> str:
    """A catalogue with markup-like words in it, as a translator might type them."""
    return text.replace("case", "<achos>")


def environment(autoescape: bool, direct: bool, in_html) -> jinja2.Environment:
    env = jinja2.Environment(autoescape=autoescape, extensions=["jinja2.ext.i18n"])

    def ngettext(one, many, count):
        return words(one if count == 1 else many)

    if direct:
        env.install_gettext_callables(words, ngettext, newstyle=True)
        env.globals.update(_templates_gettext(words, ngettext, in_html))
    else:  # Jinja's own, with a catalogue escaped as ncpi escapes one (or not, for English)
        if in_html is escape:

            @jinja2.pass_eval_context
            def escaped(eval_context, *texts):
                return escape(words(*texts)) if eval_context.autoescape else words(*texts)

            @jinja2.pass_eval_context
            def escaped_n(eval_context, *texts):
                return escape(ngettext(*texts)) if eval_context.autoescape else ngettext(*texts)

            env.install_gettext_callables(escaped, escaped_n, newstyle=True)
        else:
            env.install_gettext_callables(words, ngettext, newstyle=True)
    return env


@pytest.mark.parametrize("snippet", SNIPPETS)
@pytest.mark.parametrize("autoescape", [True, False], ids=["html", "text"])
@pytest.mark.parametrize("in_html", [Markup, escape], ids=["english", "catalogue"])
def test_the_templates_gettext_answers_as_jinjas_own(snippet, autoescape, in_html):
    jinjas = environment(autoescape, direct=False, in_html=in_html).from_string(snippet).render()
    ours = environment(autoescape, direct=True, in_html=in_html).from_string(snippet).render()
    assert ours == jinjas
