"""The renderer's own escaping: markupsafe's output, as plain text."""

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup, escape

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
