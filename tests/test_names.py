"""Names in the site: links to files."""

from urllib.parse import quote

from hypothesis import given
from hypothesis import strategies as st

from timeline.read.names import href

parts = st.text(alphabet=st.sampled_from(list("aZ0._~-/ é%#?&+:@\u00a0中")) | st.characters(blacklist_categories=("Cs",)), max_size=6)


@given(st.lists(parts, min_size=1, max_size=3))
def test_a_link_is_each_part_percent_encoded(ps):
    # href quotes the joined path at once: the same as quoting each part.
    assert href(*ps) == "/".join(quote(p) for p in ps)


def test_plain_names_are_left_as_they_are():
    assert href("entries", "2022-01-05-protests.html") == "entries/2022-01-05-protests.html"
    assert href("tags", "état d’urgence.html") == "tags/%C3%A9tat%20d%E2%80%99urgence.html"
