"""Jinja, rendering our templates faster by its public extension points
(an Environment's template and context classes) and one of markupsafe's
functions. `tests/test_reference.py` builds every fixture with these and
with plain Jinja and compares the bytes; requirements.txt pins the two
libraries' versions, since the overrides below rest on how they work
inside."""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Callable, MutableMapping
from pathlib import Path
from types import CodeType, FunctionType, MethodType
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.compiler import CodeGenerator
from jinja2.runtime import Context, Macro
from markupsafe import Markup, escape


try:  # markupsafe's own escaping, in C
    from markupsafe._speedups import _escape_inner as escape_str
except ImportError:  # pragma: no cover - markupsafe without its speedups
    def escape_str(text: str, /) -> str:
        return (text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
                .replace("'", "&#39;").replace('"', "&#34;"))


def escape_text(value: Any) -> str:
    """What markupsafe.escape writes, as a plain str. A template only joins
    the pieces it writes out, so wrapping each in a Markup object, as
    markupsafe.escape does, is wasted (bench/render_env.py measures it)."""
    kind = type(value)
    if kind is str:
        return escape_str(value)
    if kind is Markup:
        return value   # markupsafe would copy it into a new Markup: lists of cards are made of these
    return escape(value)


class FastTemplate(jinja2.Template):
    """A template whose `{{ ... }}` output is escaped by escape_text."""

    @classmethod
    def from_code(cls, environment: jinja2.Environment, code: CodeType, globals: MutableMapping[str, Any],
                  uptodate: Callable[[], bool] | None = None) -> jinja2.Template:
        template = super().from_code(environment, code, globals, uptodate)
        # The name the compiled code calls for each escaped output.
        template.root_render_func.__globals__["escape"] = escape_text
        return template


class FastCodeGenerator(CodeGenerator):
    """Jinja's code generator, but a block, a parent template, an included
    template and an imported module's body are each joined where they are
    used and given on as one string. Jinja hands each of their pieces on
    through every template on the way (`yield from`): an entry page's
    hundreds of pieces passed through its own template, its base and its
    block."""

    def writeline(self, x: str, node: nodes.Node | None = None, extra: int = 0) -> None:
        if x.startswith("yield from "):
            x = f"yield concat({x[len('yield from '):]})"
        elif x.startswith("for event in ") and x.endswith(":"):
            # An included template's pieces (or a block's, in a buffer),
            # handed on one at a time: joined, the loop runs once.
            x = f"for event in (concat({x[len('for event in '):-1]}),):"
        super().writeline(x, node, extra)


class FastContext(Context):
    """Jinja's context, whose calls go straight to macros and to functions
    and methods that do not ask to be passed the context.

    Jinja's own `call` asks every callable, at every call, whether it wants
    the context or the environment passed (pass_context and its kin): four
    attribute look-ups a call (bench/render_env.py measures it).
    A macro never wants them; a function (a method by its function) says so
    by one attribute, which is looked up once. Anything else takes Jinja's
    own way."""

    environment: FastEnvironment

    def call(__self, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        kind = type(__obj)
        if kind is MethodType:
            function = __obj.__func__
        elif kind is FunctionType or kind is Macro:
            function = __obj
        else:
            return super().call(__obj, *args, **kwargs)
        plain = __self.environment.plain_callables.get(function)
        if plain is None:
            plain = __self.environment.plain_callables[function] = kind is Macro or not hasattr(function, "jinja_pass_arg")
        if not plain:
            return super().call(__obj, *args, **kwargs)
        # Passed by the compiled code for callables that take the context;
        # most calls (a string of the catalogue) have no keyword at all.
        if kwargs:
            kwargs.pop("_loop_vars", None)
            kwargs.pop("_block_vars", None)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:  # as Jinja's own call answers it
            return __self.environment.undefined("value was undefined because a callable raised a StopIteration exception")


class CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates kept from one build to the next: in memory, for
    the builds of one process (the live preview's), and, given a folder,
    on disk for the next process, as Python keeps its compiled modules in
    __pycache__. A template is parsed and compiled again only when its
    source changes: Jinja checks the source's checksum before using what
    is kept. A kept file is named by the template's name and file and by
    what else the compiled code depends on (Jinja's and Python's versions,
    this module's text, the environment's class and options), so a stale
    one is never read; one that is unreadable or corrupt is compiled again
    and replaced."""

    def __init__(self, folder: Path | None = None) -> None:
        self.code: dict[str, bytes] = {}
        self.folder = folder
        # This module's own text: the code generator above makes the code.
        self.program = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()

    def get_bucket(self, environment: jinja2.Environment, name: str, filename: str | None,
                   source: str) -> jinja2.bccache.Bucket:
        key = self.get_cache_key(name, filename) + "-" + _compiled_by(environment, self.program)
        bucket = jinja2.bccache.Bucket(environment, key, self.get_source_checksum(source))
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = self.code.get(bucket.key)
        if data is None and self.folder is not None:
            try:
                kept = (self.folder / bucket.key).read_bytes()
            except OSError:
                return
            # Marshalled code has no checksum of its own: a flipped byte
            # could change a string in the output.
            if hashlib.sha256(kept[32:]).digest() != kept[:32]:
                return
            data = kept[32:]
        if data is not None:
            try:
                bucket.bytecode_from_string(data)
            except Exception:   # a corrupt file (pickle's or marshal's errors): compiled again
                bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = self.code[bucket.key] = bucket.bytecode_to_string()
        if self.folder is None:
            return
        # Written whole under a name of its own, then renamed: a build
        # reading it at the same time sees the old file or the new one.
        temporary = self.folder / f".{bucket.key}.{os.getpid()}"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            temporary.write_bytes(hashlib.sha256(data).digest() + data)
            os.replace(temporary, self.folder / bucket.key)
        except OSError:   # a read-only or full disk: kept in memory only
            temporary.unlink(missing_ok=True)


def _compiled_by(environment: jinja2.Environment, program: str) -> str:
    """A digest of what a template's compiled code depends on besides its
    source, name and file."""
    options = (program, jinja2.__version__, sys.version, type(environment).__qualname__,
               environment.code_generator_class.__qualname__, environment.block_start_string,
               environment.block_end_string, environment.variable_start_string,
               environment.variable_end_string, environment.comment_start_string,
               environment.comment_end_string, environment.line_statement_prefix,
               environment.line_comment_prefix, environment.trim_blocks, environment.lstrip_blocks,
               environment.newline_sequence, environment.keep_trailing_newline,
               repr(environment.autoescape), environment.optimized, sorted(environment.extensions))
    return hashlib.sha1(repr(options).encode("utf-8")).hexdigest()[:16]


def template_cache_folder() -> Path | None:
    """The user's cache folder for compiled templates (XDG's cache home,
    else ~/.cache), or None when there is no home to keep it in."""
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        home = os.path.expanduser("~")
        if home == "~":
            return None
        base = os.path.join(home, ".cache")
    return Path(base, "sourced-timeline", "templates")


_SORTED = json.JSONEncoder(sort_keys=True).encode


def _sorted_dumps(value: Any, **options: Any) -> str:
    """json.dumps, by a made encoder when asked for sorted keys alone (the
    `json.dumps_kwargs` policy's default)."""
    if options == {"sort_keys": True}:
        return _SORTED(value)
    return json.dumps(value, **options)


class FastEnvironment(jinja2.Environment):
    """The environment of our templates: see FastTemplate and FastContext."""

    template_class = FastTemplate
    context_class = FastContext
    code_generator_class = FastCodeGenerator

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.plain_callables: dict[object, bool] = {}   # function -> wants nothing passed
        # `tojson` with Jinja's own arguments, by one encoder made once:
        # json.dumps makes an encoder at every call given any argument.
        self.policies["json.dumps_function"] = _sorted_dumps
        self.loaded: dict[tuple[str, str | None], jinja2.Template] = {}

    def get_template(self, name: str | jinja2.Template, parent: str | None = None,
                     globals: MutableMapping[str, Any] | None = None) -> jinja2.Template:
        # Every page asks for its template, the one it extends and the ones
        # it imports; Jinja's own cache costs a lock and a reordering each
        # time. Templates never change while a build runs (auto_reload off).
        if globals is not None or not isinstance(name, str):
            return super().get_template(name, parent, globals)
        template = self.loaded.get((name, parent))
        if template is None:
            template = self.loaded[(name, parent)] = super().get_template(name, parent)
        return template
