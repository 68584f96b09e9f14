"""The renderer's own escaping: markupsafe's output, as plain text."""

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup, escape

from timeline.render import Renderer, _escape_str, escape_text


@given(st.text())
def test_text_is_escaped_as_markupsafe_escapes_it(text):
    assert escape_text(text) == str(escape(text))
    assert _escape_str(text) == str(escape(text))


@given(st.one_of(st.integers(), st.floats(allow_nan=False), st.none(), st.text().map(Markup)))
def test_other_values_are_escaped_as_markupsafe_escapes_them(value):
    assert escape_text(value) == escape(value)


def test_templates_escape_what_they_write_and_keep_markup(tmp_path: Path):
    (tmp_path / "t.html").write_text(
        "{% macro m(x) %}<b>{{ x }}</b>{% endmacro %}{% set y %}<i>{{ a }}</i>{% endset %}"
        "{{ a }}|{{ m(a) }}|{{ y }}|{{ safe }}|{{ n }}", encoding="utf-8")
    html = Renderer(tmp_path, "t").render("t.html", "t.html", a="<a href='x'>&\"</a>", safe=Markup("<em>ok</em>"), n=3)
    text = "&lt;a href=&#39;x&#39;&gt;&amp;&#34;&lt;/a&gt;"
    assert html.decode() == f"{text}|<b>{text}</b>|<i>{text}</i>|<em>ok</em>|3"


def test_compiled_templates_call_the_plain_text_escape(tmp_path: Path):
    # If a Jinja release stops creating templates through from_code, the
    # output stays right but the speed-up is gone: this says so.
    (tmp_path / "t.html").write_text("{{ a }}", encoding="utf-8")
    template = Renderer(tmp_path, "t").env.get_template("t.html")
    assert template.root_render_func.__globals__["escape"] is escape_text
