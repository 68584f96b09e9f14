"""The package's layout; pyproject.toml holds everything else.

The bundled templates/ and static/ sit at the top of this repository, where
`python build.py` in a copy of it uses them; installed, they are inside the
package (timeline/templates, timeline/static), where render.py looks first.
Every folder under timeline/ is taken, so that data files added beside the
code (the preview's assets) are installed with it."""

from setuptools import find_namespace_packages, setup

BUNDLED = {"timeline.templates": "templates", "timeline.static": "static"}

setup(
    packages=[*find_namespace_packages(include=["timeline", "timeline.*"], exclude=["*.__pycache__"]), *BUNDLED],
    package_dir=BUNDLED,
)
