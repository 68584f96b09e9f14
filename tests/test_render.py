"""The renderer's own escaping: markupsafe's output, as plain text."""

from pathlib import Path

import jinja2
import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup, escape

from timeline.errors import ContentError
from timeline.render.render import Renderer
from timeline.speedups.jinja import FastEnvironment, escape_str, escape_text


@given(st.text())
def test_text_is_escaped_as_markupsafe_escapes_it(text):
    assert escape_text(text) == str(escape(text))
    assert escape_str(text) == str(escape(text))


@given(st.one_of(st.integers(), st.floats(allow_nan=False), st.none(), st.text().map(Markup)))
def test_other_values_are_escaped_as_markupsafe_escapes_them(value):
    assert escape_text(value) == escape(value)


def test_templates_escape_what_they_write_and_keep_markup(tmp_path: Path):
    (tmp_path / "t.html").write_text(
        "{% macro m(x) %}<b>{{ x }}</b>{% endmacro %}{% set y %}<i>{{ a }}</i>{% endset %}"
        "{{ a }}|{{ m(a) }}|{{ y }}|{{ safe }}|{{ n }}", encoding="utf-8")
    html = Renderer(tmp_path, "t", FastEnvironment).render("t.html", "t.html", a="<a href='x'>&\"</a>", safe=Markup("<em>ok</em>"), n=3)
    text = "&lt;a href=&#39;x&#39;&gt;&amp;&#34;&lt;/a&gt;"
    assert html.decode() == f"{text}|<b>{text}</b>|<i>{text}</i>|<em>ok</em>|3"


def test_compiled_templates_call_the_plain_text_escape(tmp_path: Path):
    # If a Jinja release stops creating templates through from_code, the
    # output stays right but the speed-up is gone: this says so.
    (tmp_path / "t.html").write_text("{{ a }}", encoding="utf-8")
    template = Renderer(tmp_path, "t", FastEnvironment).env.get_template("t.html")
    assert template.root_render_func.__globals__["escape"] is escape_text


def test_calls_from_templates_pass_the_context_only_to_what_asks_for_it(tmp_path: Path):
    # Calls skip Jinja's per-call question (render._Context): whatever asks
    # for the context, the environment or the evaluation context still gets
    # it, in loops and blocks too, and everything else is called as written.
    import jinja2

    @jinja2.pass_context
    def with_context(context, x):
        return f"{context['a']}+{x}"

    @jinja2.pass_environment
    def with_environment(environment, x):
        return f"{type(environment).__name__}+{x}"

    @jinja2.pass_eval_context
    def with_eval_context(eval_context, x):
        return f"{eval_context.autoescape}+{x}"

    class Thing:
        def plain(self, x):
            return f"plain+{x}"

        @jinja2.pass_context
        def method_with_context(self, context, x):
            return f"{context['a']}*{x}"

    def stops():
        raise StopIteration

    (tmp_path / "t.html").write_text(
        "{% macro m(x) %}<{{ x }}>{% endmacro %}{% macro w(x) %}<{{ x }}{{ caller() }}>{% endmacro %}"
        "{{ c(1) }}|{{ e(2) }}|{{ v(3) }}|{{ thing.plain(4) }}|{{ thing.method_with_context(5) }}|{{ m(6) }}"
        "|{% call w(7) %}in{% endcall %}|{% for i in [8] %}{{ c(i) }}{{ m(i) }}{% endfor %}"
        "|{% block b %}{{ c(9) }}{% endblock %}|{{ stops() is undefined }}", encoding="utf-8")
    html = Renderer(tmp_path, "t", FastEnvironment).render(
        "t.html", "t.html", a="A", c=with_context, e=with_environment, v=with_eval_context,
        thing=Thing(), stops=stops)
    assert html.decode() == "A+1|FastEnvironment+2|True+3|plain+4|A*5|<6>|<7in>|A+8<8>|A+9|True"


_JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text()),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12)


@given(_JSON_VALUES)
def test_tojson_writes_what_plain_jinja_writes(value):
    # FastEnvironment's `tojson` uses one encoder made once; its text must be
    # plain Jinja's: keys sorted, HTML characters escaped, Markup returned.
    import jinja2
    fast, plain = FastEnvironment(autoescape=True), jinja2.Environment(autoescape=True)
    source = "<li data-x='{{ v|tojson }}' data-y='{{ v|tojson(indent=1) }}'>"
    assert fast.from_string(source).render(v=value) == plain.from_string(source).render(v=value)


def test_blocks_parents_and_imports_joined_give_plain_jinjas_text_and_lines(tmp_path: Path):
    """FastCodeGenerator joins a block, a parent and an imported module's
    body where they are used: the same text as Jinja's own code, and an
    error inside a block still names its template and line."""
    (tmp_path / "base.html").write_text(
        "<title>{% block title %}T{% endblock %}</title>\n{% include 'part.html' %}"
        "<main>{% block main %}{% endblock %}</main>{% block foot %}<f>{{ x }}</f>{% endblock %}\n", "utf-8")
    (tmp_path / "part.html").write_text("{% for i in range(3) %}<i>{{ i }}{{ x }}</i>{% endfor %}\n", "utf-8")
    (tmp_path / "lib.html").write_text("{% set shown = 'lib & co' %}{% macro m(a) %}<m>{{ a }}</m>{% endmacro %}", "utf-8")
    (tmp_path / "page.html").write_text(
        "{% extends 'base.html' %}{% import 'lib.html' as lib %}{% block title %}{{ super() }}·{{ x }}{% endblock %}\n"
        "{% block main %}{% for e in items %}{{ lib.m(e) }}{% if loop.last %}{{ lib.shown }}{% endif %}{% endfor %}"
        "{% endblock %}", "utf-8")
    (tmp_path / "bad.html").write_text("{% extends 'base.html' %}\n{% block main %}\nok\n{{ x.nope.deeper }}{% endblock %}", "utf-8")
    texts = []
    for environment in (jinja2.Environment, FastEnvironment):
        renderer = Renderer(tmp_path, "templates", environment)
        texts.append(renderer.render("page.html", "a/page.html", x="<x>", items=["a", "<b>"]).decode())
        with pytest.raises(ContentError) as failed:
            renderer.render("bad.html", "bad.html", x="<x>", items=[])
        assert (failed.value.path, failed.value.line) == ("templates/bad.html", 4)
    assert texts[0] == texts[1]
    assert "<m>&lt;b&gt;</m>lib &amp; co</main><f>&lt;x&gt;</f>" in texts[1]
    env = Renderer(tmp_path, "templates", FastEnvironment).env
    assert env.loader is not None
    code = env.compile(env.loader.get_source(env, "page.html")[0], "page.html", raw=True)
    assert "yield from" not in code and "yield concat(" in code
    code = env.compile(env.loader.get_source(env, "base.html")[0], "base.html", raw=True)
    assert "for event in gen:" not in code and "for event in (concat(gen),):" in code
