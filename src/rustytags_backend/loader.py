"""Find components by template name.

A name such as ``"todos/partials/row.html"`` means the function ``row`` in the module
``todos/partials`` of a components root: a directory of the engine's ``DIRS`` (searched first)
or the ``components`` package of an installed app (in ``INSTALLED_APPS`` order). The first root
that has it wins. ``"home.html"`` is the function ``home`` in the root package itself. Names
registered with ``@component("...")`` are found in the root that defines them, after the path
name. ``"package.module:function"`` names a component directly. A name never makes the loader
import a module outside the roots: ``..``, absolute paths and backslashes are misses.

A module that fails to import breaks only the names that map to it: looking one of them up
raises the error, and any other miss lists the module, with the error, among the places tried.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import pkgutil
import sys
import traceback
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from importlib.machinery import ModuleSpec, SourceFileLoader
from pathlib import Path
from types import ModuleType

from django.apps import apps
from django.template import TemplateSyntaxError

from .decorators import ComponentSpec, spec_of

__all__ = ["Broken", "Found", "Loader", "Root", "Scan", "Tried"]

Tried = list[tuple[str, str]]  # (where, why it is not there)


@dataclass(frozen=True)
class Found:
    """A component and the file that defines it."""

    spec: ComponentSpec
    filename: str


@dataclass(frozen=True)
class Broken:
    """A module of a components root that raised an error when imported."""

    filename: str  # the module's source
    error: str  # the exception, as "SyntaxError: invalid syntax"
    location: str  # where it was raised: "file, line n", or the module's file alone

    @classmethod
    def of(cls, filename: str, exc: Exception) -> Broken:
        """Describe the failed import of the module in *filename*."""
        if isinstance(exc, SyntaxError):
            # The file may be another one, imported by the module.
            error = f"{type(exc).__name__}: {exc.msg}"
            where, line = exc.filename or filename, exc.lineno
        else:
            error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            where, line = filename, _line_in(filename, exc)
        return cls(filename, error, f"{where}, line {line}" if line else where)

    @property
    def reason(self) -> str:
        """Why the module is not searched, for a miss's ``tried`` list."""
        return f"Failed to import: {self.error} ({self.location})"


def _line_in(filename: str, exc: Exception) -> int | None:
    # The innermost line of the module's own code: where its import stopped (a raise, or an
    # import statement whose module failed), rather than a line deep inside a library.
    source = Path(filename).resolve()
    lines = [
        frame.lineno
        for frame in traceback.extract_tb(exc.__traceback__)
        if Path(frame.filename).resolve() == source
    ]
    return lines[-1] if lines else None


@dataclass(frozen=True)
class Scan:
    """Every module of a root imported: the names its components claim, and what failed."""

    claims: tuple[tuple[str, Found], ...]  # in module order, duplicates included
    broken: tuple[Broken, ...]
    names: dict[str, Found]  # the first claim of each name


@dataclass
class Root:
    """A package whose modules hold components."""

    package: str
    path: Path
    # A DIRS folder has no import path: install() makes it a package of its own.
    directory: bool = False
    # Kept only when every module imported, so that a fixed module is seen by the next scan.
    scanned: Scan | None = field(default=None, repr=False)

    @classmethod
    def for_directory(cls, directory: Path) -> Root:
        """Return *directory* as a root, imported as a package of its own by install()."""
        directory = directory.resolve()
        digest = hashlib.sha256(str(directory).encode()).hexdigest()[:12]
        return cls(f"_rustytags_components_{digest}", directory, directory=True)

    def install(self) -> None:
        """Put a DIRS folder's package in sys.modules, running its ``__init__.py``, if not there."""
        if not self.directory or self.package in sys.modules:
            return
        init = self.path / "__init__.py"
        loader = SourceFileLoader(self.package, str(init)) if init.is_file() else None
        spec = ModuleSpec(
            self.package, loader, origin=str(init) if loader else None, is_package=True
        )
        spec.submodule_search_locations = [str(self.path)]
        spec.has_location = loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[self.package] = module
        if loader is not None:
            try:
                loader.exec_module(module)
            except BaseException:
                # As the import system does: the next import runs the file again.
                del sys.modules[self.package]
                raise

    def source(self, parts: Sequence[str], package: bool = False) -> Path:
        """The file of the module *parts* (names below the root package)."""
        path = self.path.joinpath(*parts)
        return path / "__init__.py" if package or not parts else path.with_suffix(".py")


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


def _load(module: str, root: Root) -> ModuleType:
    root.install()
    return importlib.import_module(module)


def _import(module: str, root: Root) -> ModuleType:
    """Import *module* of *root*; a SyntaxError becomes a TemplateSyntaxError for Django's
    debug page."""
    try:
        return _load(module, root)
    except SyntaxError as exc:
        error = TemplateSyntaxError(f"{exc.msg} ({exc.filename}, line {exc.lineno})")
        error.template_debug = _debug_info(exc)  # type: ignore[attr-defined]
        raise error from exc


def import_component_module(module: str, root: Root) -> ModuleType | None:
    """Import *module* (of *root*); return None if it, or a package above it, does not exist.

    An error inside an existing module is not a miss: it propagates (see _import).
    """
    try:
        return _import(module, root)
    except ModuleNotFoundError as exc:
        if exc.name and (module == exc.name or module.startswith(exc.name + ".")):
            return None
        raise


def _module_in(root: Root, parts: Sequence[str]) -> ModuleType | None:
    """Import the module *parts* of *root*; return None if it has no source.

    The module's own error propagates, and so does a package's above a module that exists:
    the name asked for is theirs. A package that fails above a module that does not exist
    makes a miss; the root's scan reports the package.
    """
    try:
        return import_component_module(".".join([root.package, *parts]), root)
    except Exception:  # the module, or a package above it, failed
        if not parts or root.source(parts).is_file() or root.path.joinpath(*parts).is_dir():
            raise
        return None


def _components_of(module: ModuleType) -> Iterator[ComponentSpec]:
    for value in vars(module).values():
        spec = spec_of(value)
        if spec is not None and spec.function.__module__ == module.__name__:
            yield spec


def _walk(
    root: Root, name: str, parts: Sequence[str], package: bool
) -> Iterator[ModuleType | Broken]:
    """Import the module *name* (*parts* below the root package) and, if it is a package,
    every module below it.

    A module that fails is yielded as Broken, and the modules of a package that fails are
    not visited (their import would fail the same way).
    """
    try:
        module = _load(name, root)
    except Exception as exc:
        yield Broken.of(str(root.source(parts, package)), exc)
        return
    yield module
    if package:
        path = module.__path__ if parts else [str(root.path)]
        for info in pkgutil.iter_modules(path, prefix=name + "."):
            below = [*parts, info.name.rpartition(".")[2]]
            yield from _walk(root, info.name, below, info.ispkg)


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
                module = _module_in(root, segments[:-1])
                if module is None:
                    where = str(root.path.joinpath(*segments[:-1])) + ".py"
                    tried.append((where, "Source does not exist"))
                else:
                    spec = spec_of(getattr(module, segments[-1], None))
                    if spec is not None:
                        return Found(spec, module.__file__ or module_name)
                    tried.append((module.__file__ or module_name, _absent(module, segments[-1])))
            scan = self.scan(root)
            found = scan.names.get(key)
            if found is not None:
                return found
            if not by_path:
                tried.append((str(root.path), f"No component registered as {key!r}"))
            tried.extend((broken.filename, broken.reason) for broken in scan.broken)
        if not self.roots:
            tried.append((name, "No components roots: set DIRS or APP_DIRS"))
        return tried

    def _find_path(self, name: str) -> Found | Tried:
        module_name, _, function = name.partition(":")
        if not all(part.isidentifier() for part in module_name.split(".")) or not (
            function.isidentifier()
        ):
            return [(name, "Not a component path: write 'package.module:function'")]
        root = next(
            (
                root
                for root in self.roots
                if module_name == root.package or module_name.startswith(root.package + ".")
            ),
            None,
        )
        module = sys.modules.get(module_name)
        if module is None and root is not None:
            below = module_name.removeprefix(root.package).lstrip(".")
            module = _module_in(root, below.split(".") if below else [])
        if module is None:
            reason = (
                "Source does not exist"
                if root is not None
                else "Not imported, and not in a components package: the engine imports "
                "modules only from its components roots"
            )
            return [(name, reason)]
        spec = spec_of(getattr(module, function, None))
        if spec is None:
            return [(module.__file__ or module_name, _absent(module, function))]
        return Found(spec, module.__file__ or module_name)

    def imported_cleanly(self) -> bool:
        """Whether every module of every root imported when last scanned (a miss scans all)."""
        return all(root.scanned is not None for root in self.roots)

    def scan(self, root: Root) -> Scan:
        """Import every module of *root*; return the names they claim and the modules that
        failed. The result is kept until the next scan only when every module imported."""
        if root.scanned is not None:
            return root.scanned
        claims: list[tuple[str, Found]] = []
        broken: list[Broken] = []
        for module in _walk(root, root.package, [], package=True):
            if isinstance(module, Broken):
                broken.append(module)
            else:
                claims.extend(self._claims_of(root, module))
        names: dict[str, Found] = {}
        for name, found in claims:
            names.setdefault(name, found)
        scan = Scan(tuple(claims), tuple(broken), names)
        if not broken:
            root.scanned = scan
        return scan

    def _claims_of(self, root: Root, module: ModuleType) -> Iterator[tuple[str, Found]]:
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
