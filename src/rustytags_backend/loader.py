"""Find components by template name.

A name such as ``"todos/partials/row.html"`` means the function ``row`` in the module
``todos/partials`` of a components root: a directory of the engine's ``DIRS`` (searched first)
or the ``components`` package of an installed app (in ``INSTALLED_APPS`` order). The first root
that has it wins. ``"home.html"`` is the function ``home`` in the root package itself. Names
registered with ``@component("...")`` are found in the root that defines them, after the path
name. ``"package.module:function"`` names a component directly. A name never makes the loader
import a module outside the roots: ``..``, absolute paths and backslashes are misses.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import pkgutil
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from importlib.machinery import ModuleSpec, SourceFileLoader
from pathlib import Path
from types import ModuleType

from django.apps import apps
from django.template import TemplateSyntaxError

from .decorators import ComponentSpec, spec_of

__all__ = ["Found", "Loader", "Root", "Tried"]

Tried = list[tuple[str, str]]  # (where, why it is not there)


@dataclass(frozen=True)
class Found:
    """A component and the file that defines it."""

    spec: ComponentSpec
    filename: str


@dataclass
class Root:
    """A package whose modules hold components."""

    package: str
    path: Path
    # name (without suffix) -> component: the extra names and the module-path names, filled
    # by discovery.
    names: dict[str, Found] | None = field(default=None, repr=False)

    @classmethod
    def for_directory(cls, directory: Path) -> Root:
        """Make *directory* importable as a package of its own and return it as a root."""
        directory = directory.resolve()
        digest = hashlib.sha256(str(directory).encode()).hexdigest()[:12]
        package = f"_rustytags_components_{digest}"
        if package not in sys.modules:
            init = directory / "__init__.py"
            loader = SourceFileLoader(package, str(init)) if init.is_file() else None
            spec = ModuleSpec(
                package, loader, origin=str(init) if loader else None, is_package=True
            )
            spec.submodule_search_locations = [str(directory)]
            spec.has_location = loader is not None
            module = importlib.util.module_from_spec(spec)
            sys.modules[package] = module
            if loader is not None:
                try:
                    loader.exec_module(module)
                except BaseException:
                    del sys.modules[package]
                    raise
        return cls(package, directory)


def _debug_info(error: SyntaxError) -> dict[str, object]:
    """The template_debug structure Django's technical 500 page shows, for a Python file."""
    context_lines = 10
    lineno = error.lineno or 1
    path = Path(error.filename or "")
    lines = list(enumerate(path.read_text().split("\n"), start=1)) if path.is_file() else []
    total = len(lines)
    top = max(0, lineno - context_lines - 1)
    bottom = min(total, lineno + context_lines)
    return {
        "name": error.filename,
        "message": error.msg,
        "source_lines": lines[top:bottom],
        "line": lineno,
        "before": "",
        "during": lines[lineno - 1][1] if lineno <= total else "",
        "after": "",
        "total": total,
        "top": top,
        "bottom": bottom,
    }


def _import(module: str) -> ModuleType:
    """Import *module*; a SyntaxError becomes a TemplateSyntaxError for Django's debug page."""
    try:
        return importlib.import_module(module)
    except SyntaxError as exc:
        error = TemplateSyntaxError(f"{exc.msg} ({exc.filename}, line {exc.lineno})")
        error.template_debug = _debug_info(exc)  # type: ignore[attr-defined]
        raise error from exc


def import_component_module(module: str) -> ModuleType | None:
    """Import *module*; return None if it, or a package above it, does not exist.

    An error inside an existing module is not a miss: it propagates (see _import).
    """
    try:
        return _import(module)
    except ModuleNotFoundError as exc:
        if exc.name and (module == exc.name or module.startswith(exc.name + ".")):
            return None
        raise


def _components_of(module: ModuleType) -> Iterator[ComponentSpec]:
    for value in vars(module).values():
        spec = spec_of(value)
        if spec is not None and spec.function.__module__ == module.__name__:
            yield spec


def _modules(root: Root) -> Iterator[ModuleType]:
    yield _import(root.package)
    for info in pkgutil.walk_packages([str(root.path)], prefix=root.package + "."):
        yield _import(info.name)


class Loader:
    """Resolve template names to components across an ordered list of roots."""

    def __init__(self, roots: Sequence[Root], suffixes: Sequence[str]) -> None:
        self.roots = list(roots)
        self.suffixes = tuple(suffixes)

    @classmethod
    def for_engine(
        cls, dirs: Sequence[Path | str], app_dirs: bool, suffixes: Sequence[str]
    ) -> Loader:
        """Roots for an engine: each of *dirs*, then each app's ``components`` package."""
        roots = [Root.for_directory(Path(directory)) for directory in dirs]
        if app_dirs:
            for app_config in apps.get_app_configs():
                path = Path(app_config.path, "components")
                if path.is_dir():
                    roots.append(Root(f"{app_config.name}.components", path))
        return cls(roots, suffixes)

    def key(self, name: str) -> str | None:
        """Return *name* without its suffix, or None if the name is not one for components."""
        if not name or "\\" in name or name.startswith("/") or ":" in name:
            return None
        parts = name.split("/")
        if any(part in ("", ".", "..") for part in parts):
            return None
        for suffix in self.suffixes:
            if name.endswith(suffix):
                return name.removesuffix(suffix)
        return None if "." in parts[-1] else name

    def find(self, name: str) -> Found | Tried:
        """Return the component *name* stands for, or the list of places tried."""
        if ":" in name:
            return self._find_path(name)
        key = self.key(name)
        if key is None:
            suffixes = ", ".join(self.suffixes) or "none"
            return [
                (
                    name,
                    "Not a component name: components are named like 'app/module/function"
                    f".html' (suffixes claimed: {suffixes}), without '..', a leading '/' or "
                    "backslashes",
                )
            ]
        segments = key.split("/")
        by_path = all(segment.isidentifier() for segment in segments)
        tried: Tried = []
        for root in self.roots:
            if by_path:
                module_name = ".".join([root.package, *segments[:-1]])
                module = import_component_module(module_name)
                if module is None:
                    where = str(root.path.joinpath(*segments[:-1])) + ".py"
                    tried.append((where, "Source does not exist"))
                else:
                    spec = spec_of(getattr(module, segments[-1], None))
                    if spec is not None:
                        return Found(spec, module.__file__ or module_name)
                    tried.append((module.__file__ or module_name, _absent(module, segments[-1])))
            found = self.names(root).get(key)
            if found is not None:
                return found
            if not by_path:
                tried.append((str(root.path), f"No component registered as {key!r}"))
        if not self.roots:
            tried.append((name, "No components roots: set DIRS or APP_DIRS"))
        return tried

    def _find_path(self, name: str) -> Found | Tried:
        module_name, _, function = name.partition(":")
        if not all(part.isidentifier() for part in module_name.split(".")) or not (
            function.isidentifier()
        ):
            return [(name, "Not a component path: write 'package.module:function'")]
        inside = any(
            module_name == root.package or module_name.startswith(root.package + ".")
            for root in self.roots
        )
        module = sys.modules.get(module_name)
        if module is None and inside:
            module = import_component_module(module_name)
        if module is None:
            reason = (
                "Source does not exist"
                if inside
                else "Not imported, and not in a components package: the engine imports "
                "modules only from its components roots"
            )
            return [(name, reason)]
        spec = spec_of(getattr(module, function, None))
        if spec is None:
            return [(module.__file__ or module_name, _absent(module, function))]
        return Found(spec, module.__file__ or module_name)

    def names(self, root: Root) -> dict[str, Found]:
        """Every name *root* serves (module paths and extra names), importing its modules."""
        if root.names is None:
            root.names = self._discover(root)
        return root.names

    def _discover(self, root: Root) -> dict[str, Found]:
        names: dict[str, Found] = {}
        for name, found in self.claims(root):
            names.setdefault(name, found)
        return names

    def claims(self, root: Root) -> Iterator[tuple[str, Found]]:
        """Every (name, component) claim in *root*, duplicates included, for the checks."""
        for module in _modules(root):
            prefix = module.__name__.removeprefix(root.package).lstrip(".").replace(".", "/")
            for spec in _components_of(module):
                found = Found(spec, module.__file__ or module.__name__)
                yield (
                    (f"{prefix}/{spec.function.__name__}" if prefix else spec.function.__name__),
                    found,
                )
                for extra in spec.names:
                    yield (self.key(extra) or extra), found


def _absent(module: ModuleType, function: str) -> str:
    # The origin beside this reason names the module's file.
    if hasattr(module, function):
        return f"{function!r} is not marked @component"
    return f"No component {function!r} in this module"
