"""Imports of rusty-tags' unescaped HTML that components can reach, found by reading source.

Check W001 reads each component module and, breadth first, the project modules it imports
(imports inside functions included), without importing them: a module is found in
``sys.modules`` or by ``PathFinder``; the standard library and installed distributions are not
read. Importing ``rusty_tags.datastar`` (or nitro's) alone does not count: it makes no markup.
"""

from __future__ import annotations

import ast
import dataclasses
import functools
import importlib.util
import site
import sys
import sysconfig
import warnings
from collections import deque
from collections.abc import Iterable, Iterator
from importlib.machinery import PathFinder
from pathlib import Path
from typing import Final

__all__ = ["Unescaped", "unescaped_imports"]


@dataclasses.dataclass(frozen=True)
class Unescaped:
    """An import of rusty-tags' HTML, found in a module's source."""

    line: int
    statement: str  # the import statement, as source
    what: str  # what it brings in, for the message
    hint: str


def unescaped_imports(
    starts: Iterable[tuple[str, str]],
) -> Iterator[tuple[Unescaped, tuple[str, ...]]]:
    """Each import of rusty-tags' tags in the modules *starts* (``(module name, filename)``)
    and the project modules they import, with the chain of files from a start to it."""
    starts = list(starts)
    # From each component module through the project modules it imports, breadth first, so
    # each module is read once and reported with its shortest chain of imports.
    chains: dict[str, tuple[str, ...]] = {name: (filename,) for name, filename in starts}
    seen = set(chains)  # the modules followed, and those found to be outside the project
    queue = deque(starts)
    while queue:
        name, filename = queue.popleft()
        chain = chains[name]
        try:
            with warnings.catch_warnings():
                # Python warned when it compiled the module; the check reads it each time.
                # (An invalid escape such as "\\d" is a DeprecationWarning before 3.12.)
                warnings.simplefilter("ignore", SyntaxWarning)
                warnings.simplefilter("ignore", DeprecationWarning)
                tree = ast.parse(Path(filename).read_bytes(), filename)
        except (OSError, SyntaxError, ValueError):
            continue  # imported only inside a function, never run: it fails when it runs
        for found in _unescaped_in(tree):
            yield found, chain
        package = name if Path(filename).name == "__init__.py" else name.rpartition(".")[0]
        for imported in _imported_modules(tree, package):
            if imported in seen:
                continue
            seen.add(imported)
            source = _source_of(imported)
            if source is not None and _in_project(source):
                chains[imported] = (*chain, source)
                queue.append((imported, source))


def _imported_modules(tree: ast.Module, package: str) -> Iterator[str]:
    """The modules an import statement of *tree* may load: each one, its packages, and for
    ``from a import b`` also ``a.b`` (which may be a module)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            try:
                base = importlib.util.resolve_name("." * node.level + (node.module or ""), package)
            except (ImportError, ValueError):
                continue  # a relative import above the top package: it fails when run
            names = [base, *(f"{base}.{alias.name}" for alias in node.names if alias.name != "*")]
        else:
            continue
        for dotted in names:
            parts = dotted.split(".")
            yield from (".".join(parts[:end]) for end in range(1, len(parts) + 1))


def _source_of(name: str) -> str | None:
    """The source file of the module *name*, found without importing it; None if it has none."""
    origin: object = None
    locations: Iterable[str] | None = None
    parts = name.split(".")
    for end in range(1, len(parts) + 1):
        dotted = ".".join(parts[:end])
        module = sys.modules.get(dotted)
        if module is not None:
            origin = getattr(module, "__file__", None)
            locations = getattr(module, "__path__", None)
            continue
        if end > 1 and locations is None:
            return None  # the parent is a module, not a package
        spec = PathFinder.find_spec(dotted, None if end == 1 else list(locations or ()))
        if spec is None:
            return None
        origin, locations = spec.origin, spec.submodule_search_locations
    return origin if isinstance(origin, str) and origin.endswith(".py") else None


def _in_project(source: str) -> bool:
    """Whether the module in *source* is the project's: outside the standard library and the
    installed distributions."""
    path = Path(source).resolve()
    return not any(path.is_relative_to(directory) for directory in _library_directories())


@functools.cache
def _library_directories() -> tuple[Path, ...]:
    paths = {sysconfig.get_path(key) for key in ("stdlib", "platstdlib", "purelib", "platlib")}
    paths.update(site.getsitepackages())
    paths.add(site.getusersitepackages())
    return tuple(Path(path).resolve() for path in sorted(paths) if path)


_DATASTAR: Final = ("rusty_tags.datastar", "nitro.html.datastar")
_COMPONENTS_HINT: Final = (
    "nitro's components are made of rusty-tags tags: write them with the tags of "
    "rustytags_backend.html."
)


def _unescaped_in(tree: ast.Module) -> list[Unescaped]:
    """Every import in *tree* of rusty-tags' tags, directly or through nitro, by line;
    imports of the Datastar helpers alone (``rusty_tags.datastar``) do not count."""
    found: list[Unescaped | None] = []
    bound: dict[str, tuple[ast.Import, str]] = {}  # names for the rusty_tags or nitro package
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                finding = _module_import(node, alias)
                top = alias.name.partition(".")[0]
                if finding is not None:
                    found.append(finding)
                elif alias.asname is None and top in ("rusty_tags", "nitro"):
                    bound[top] = (node, top)  # import nitro, import rusty_tags.datastar
                elif alias.name == "nitro":
                    bound[str(alias.asname)] = (node, "nitro")
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            found.append(_from_import(node, node.module or ""))
    found.extend(_tags_used(tree, node, name, top) for name, (node, top) in bound.items())
    return sorted((finding for finding in found if finding), key=lambda item: item.line)


def _is_module(name: str, *modules: str) -> bool:
    return any(name == module or name.startswith(module + ".") for module in modules)


def _module_import(node: ast.Import, alias: ast.alias) -> Unescaped | None:
    name = alias.name
    if _is_module(name, "nitro.html.components"):
        hint = _COMPONENTS_HINT
    elif _is_module(name, "rusty_tags", "nitro.html") and not _is_module(name, *_DATASTAR):
        if alias.asname is None:
            replacement = f"'from rustytags_backend import html', and write html.Div for {name}.Div"
        else:
            replacement = f"'import rustytags_backend.html as {alias.asname}'"
        hint = f"Import rustytags_backend.html in its place: {replacement}."
    else:
        return None
    statement = ast.unparse(ast.Import(names=[alias]))
    return Unescaped(node.lineno, statement, "imports rusty-tags tags", hint)


def _from_import(node: ast.ImportFrom, module: str) -> Unescaped | None:
    if _is_module(module, *_DATASTAR):
        return None
    if _is_module(module, "nitro.html.components"):
        names = node.names
    elif module in ("nitro", "nitro.html"):
        names = [alias for alias in node.names if alias.name in _nitro_html() | {"*"}]
    elif _is_module(module, "rusty_tags", "nitro.html"):
        names = [alias for alias in node.names if alias.name != "datastar"]
    else:
        return None
    if not names:
        return None
    wanted = ", ".join(ast.unparse(alias) for alias in names)
    statement = ast.unparse(node)
    if _is_module(module, "nitro.html.components") or any(
        alias.name == "components" for alias in names
    ):
        what = f"imports nitro components ({wanted}), made of rusty-tags tags"
        return Unescaped(node.lineno, statement, what, _COMPONENTS_HINT)
    modules = [alias for alias in names if alias.name in ("html", "templating")]
    tags = ", ".join(ast.unparse(alias) for alias in names if alias not in modules)
    replacements = [f"'from rustytags_backend.html import {tags}'"] if tags else []
    replacements.extend(
        f"'from rustytags_backend import html{f' as {alias.asname}' if alias.asname else ''}'"
        for alias in modules
    )
    what = "imports rusty-tags tags" + ("" if wanted == "*" else f" ({wanted})")
    hint = f"Import them from rustytags_backend.html: {' and '.join(replacements)}."
    return Unescaped(node.lineno, statement, what, hint)


def _tags_used(tree: ast.Module, node: ast.Import, name: str, package: str) -> Unescaped | None:
    """Tags that *tree* reaches through *name*, bound to the *package* by ``import nitro``
    or ``import rusty_tags.datastar``: ``nitro.Div``, ``nitro.html.P``, ``rusty_tags.Div``."""
    used: dict[str, int] = {}
    for attribute in ast.walk(tree):
        if not isinstance(attribute, ast.Attribute):
            continue
        dotted = _dotted(attribute)
        if len(dotted) < 2 or dotted[0] != name:
            continue
        if dotted[1] == "html" and package == "nitro":
            dotted = dotted[:3]
            tag = len(dotted) == 3 and dotted[2] != "datastar"
        else:
            dotted = dotted[:2]
            tag = dotted[1] != "datastar" if package == "rusty_tags" else dotted[1] in _nitro_html()
        if tag:
            used.setdefault(".".join(dotted), attribute.lineno)
    if not used:
        return None
    shown = ", ".join(f"{dotted} (line {line})" for dotted, line in sorted(used.items()))
    first = min(used)
    return Unescaped(
        node.lineno,
        ast.unparse(node),
        f"gives rusty-tags tags, used as {shown}",
        "Import them from rustytags_backend.html: 'from rustytags_backend.html import "
        f"{', '.join(sorted({dotted.rpartition('.')[2] for dotted in used}))}', and write "
        f"{first.rpartition('.')[2]} for {first}.",
    )


def _dotted(node: ast.expr) -> list[str]:
    """``["a", "b", "c"]`` for the expression ``a.b.c``; ``[]`` for one such as ``f().b``."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    return [node.id, *reversed(parts)] if isinstance(node, ast.Name) else []


@functools.cache
def _nitro_html() -> frozenset[str]:
    """The names nitro re-exports from rusty-tags' HTML API (not its Datastar helpers)."""
    from . import _elements, html

    # Our tag functions (and Fragment, CustomTag) have rusty-tags' names; html.__all__ also
    # holds Datastar helpers and utilities, which make no markup of rusty-tags.
    tags = {name for name in html.__all__ if _elements.__name__ == getattr(html, name).__module__}
    return frozenset(tags).union(
        {"HtmlString", "TagBuilder", "HtmlElement", "Safe", "Page", "page_template",
         "create_template", "template", "when", "unless", "html", "components", "templating"}
    )  # fmt: skip
