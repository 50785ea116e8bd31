"""The layers of docs/architecture.md stay true: read every import under asb/ with `ast`.

Which module is which (the doc says the same):
- composition root: the app factory (asb/__init__.py), asb/models.py, asb/startup.py,
  asb/commands.py and asb/demo/; they put the features together, so they may import anything;
- core: every other module directly under asb/ and the packages in CORE_PACKAGES; core
  imports no feature;
- features: every other package under asb/.
Every import counts, including those inside functions and under TYPE_CHECKING.
"""

from __future__ import annotations

import ast
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

ASB = Path(__file__).resolve().parents[1] / "asb"

ROOT_MODULES = {"asb", "asb.models", "asb.startup", "asb.commands"}
ROOT_PACKAGES = {"demo"}
CORE_PACKAGES = {"audit", "geo", "rate_limits", "submissions"}

# The access policy is core, yet it must know the records it decides about: it may read the
# features' models and vocabularies, nothing else of theirs (no services, queries, forms, views).
POLICY = "asb.policy"
POLICY_MAY_READ = ("models", "vocabulary")

# /healthz (a feature's page) reports the very checks the app runs at start-up.
ROOT_IMPORTS_ALLOWED = {("asb.main.views", "asb.startup")}

ROUTE_DECORATORS = {"route", "get", "post", "put", "patch", "delete"}


@dataclass(frozen=True)
class Import:
    source: str
    target: str
    line: int

    def __str__(self) -> str:
        return f"{self.source} (line {self.line}) imports {self.target}"


def module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules(root: Path) -> dict[str, Path]:
    return {module_name(path, root): path for path in sorted(root.rglob("*.py"))}


def _resolve(name: str, known: dict[str, Path]) -> str:
    """The longest known module that `name` is or lies in (`asb.cases.models.Case` -> models)."""
    parts = name.split(".")
    while parts and ".".join(parts) not in known:
        parts.pop()
    return ".".join(parts) or name


def imports(root: Path) -> list[Import]:
    known = modules(root)
    found = []
    for source, path in known.items():
        package = source if path.name == "__init__.py" else source.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, *([node.module] if node.module else [])])
                names = [f"{base}.{alias.name}" for alias in node.names]
            else:
                continue
            for name in names:
                if name.split(".")[0] == root.name:
                    found.append(Import(source, _resolve(name, known), node.lineno))
    return found


def classify(module: str, root: Path) -> str:
    if module in ROOT_MODULES or module == root.name:
        return "root"
    parts = module.split(".")
    is_package_member = (root / parts[1]).is_dir() if len(parts) > 1 else False
    if not is_package_member:
        return "core"
    if parts[1] in ROOT_PACKAGES:
        return "root"
    return "core" if parts[1] in CORE_PACKAGES else "feature"


def feature(module: str) -> str:
    return module.split(".")[1]


def view_modules(root: Path) -> set[str]:
    """Modules that define a blueprint or its routes, and every views.py / *_views.py."""
    found = set()
    for name, path in modules(root).items():
        if path.stem == "views" or path.stem.endswith("_views"):
            found.add(name)
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            called = node.func if isinstance(node, ast.Call) else None
            if isinstance(called, ast.Name) and called.id == "Blueprint":
                found.add(name)
            if isinstance(called, ast.Attribute) and called.attr in ROUTE_DECORATORS:
                decorated = isinstance(called.value, ast.Name) and called.value.id.endswith(
                    ("blueprint", "bp")
                )
                if decorated:
                    found.add(name)
    return found


def core_importing_features(root: Path) -> list[str]:
    problems = []
    for imp in imports(root):
        if classify(imp.source, root) != "core" or classify(imp.target, root) != "feature":
            continue
        if imp.source == POLICY and imp.target.rpartition(".")[2] in POLICY_MAY_READ:
            continue
        problems.append(str(imp))
    return problems


def views_imported_across_packages(root: Path) -> list[str]:
    views = view_modules(root)
    problems = []
    for imp in imports(root):
        if imp.target not in views or classify(imp.source, root) == "root":
            continue
        if imp.source.split(".")[:2] != imp.target.split(".")[:2]:
            problems.append(str(imp))
    return problems


def presentation_imported_below_pages(root: Path) -> list[str]:
    """Template filters are for pages: no model, vocabulary, service, query or form uses them."""
    below = {"models", "vocabulary", "services", "queries", "forms"}
    return [
        str(imp)
        for imp in imports(root)
        if imp.target == f"{root.name}.presentation" and imp.source.rpartition(".")[2] in below
    ]


def composition_root_imported(root: Path) -> list[str]:
    return [
        str(imp)
        for imp in imports(root)
        if classify(imp.target, root) == "root"
        and classify(imp.source, root) != "root"
        and (imp.source, imp.target) not in ROOT_IMPORTS_ALLOWED
    ]


def models_outside_models_py(root: Path) -> list[str]:
    """Classes that subclass db.Model (or Model) anywhere but a package's models.py."""
    problems = []
    for name, path in modules(root).items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ClassDef):
                continue
            bases = {ast.unparse(base) for base in node.bases}
            qualified = f"{name}.{node.name}"
            if not bases & {"db.Model", "Model"}:
                continue
            if path.name != "models.py" or path.parent == root:
                problems.append(f"{qualified} (line {node.lineno})")
    return problems


# The tree as it is ----------------------------------------------------------------------------


def test_core_modules_import_no_feature() -> None:
    assert core_importing_features(ASB) == []


def test_no_module_imports_another_packages_views() -> None:
    assert {"asb.cases.views", "asb.incidents.views", "asb.geo.views"} <= view_modules(ASB)
    assert views_imported_across_packages(ASB) == []


def test_no_service_query_or_form_imports_the_template_filters() -> None:
    assert presentation_imported_below_pages(ASB) == []


def test_only_the_composition_root_imports_the_composition_root() -> None:
    assert composition_root_imported(ASB) == []


def test_every_model_class_is_written_in_a_models_py() -> None:
    assert models_outside_models_py(ASB) == []


def test_every_mapped_class_lives_in_a_models_module() -> None:
    """The registry also sees models made some other way (a mixin, a subclass of a model)."""
    from asb import models
    from asb.extensions import db

    mapped = {
        f"{mapper.class_.__module__}.{mapper.class_.__name__}"
        for mapper in db.Model.registry.mappers
    }
    assert len(mapped) >= len(models.__all__)
    homeless = {
        name for name in mapped if not (name.count(".") == 3 and name.split(".")[2] == "models")
    }
    assert homeless == set()


# The checks themselves see what they claim to -----------------------------------------------


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "asb"
    for name, text in {
        "__init__.py": "",
        "extensions.py": "db = None\n",
        "cases/__init__.py": "",
        "cases/models.py": "from asb.extensions import db\nclass Case(db.Model): ...\n",
        "cases/views.py": "blueprint = Blueprint('cases', __name__)\n",
        "people/__init__.py": "",
        "people/services.py": "",
        "geo/__init__.py": "",
        "geo/places.py": "",
        **files,
    }.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


@pytest.mark.parametrize(
    "text",
    [
        "from asb.cases.views import blueprint\n",
        "from asb.cases import views\n",
        "import asb.cases.views\n",
        "from ..cases.views import blueprint\n",
        "def load():\n    from asb.cases.views import blueprint\n",
    ],
)
def test_a_feature_importing_another_features_views_is_seen(tmp_path: Path, text: str) -> None:
    root = _tree(tmp_path, {"people/views.py": text})
    assert views_imported_across_packages(root) == [
        f"asb.people.views (line {text.count(chr(10))}) imports asb.cases.views"
    ]


def test_a_view_module_is_known_by_its_routes_too(tmp_path: Path) -> None:
    routes = "from asb.cases.views import blueprint\n@blueprint.get('/x')\ndef x(): ...\n"
    root = _tree(
        tmp_path, {"cases/pages.py": routes, "people/services.py": "import asb.cases.pages\n"}
    )
    assert views_imported_across_packages(root) == [
        "asb.people.services (line 1) imports asb.cases.pages"
    ]


def test_the_factory_and_the_own_feature_may_import_views(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "__init__.py": "def create_app():\n    from asb.cases.views import blueprint\n",
            "cases/assignment_views.py": "from .views import blueprint\n",
        },
    )
    assert views_imported_across_packages(root) == []


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("calendar.py", "from asb.people.services import merge\n"),
        ("calendar.py", "def today():\n    from asb import people\n"),
        ("geo/places.py", "from asb.cases.models import Case\n"),
        ("policy.py", "from asb.people.services import merge\n"),
    ],
)
def test_a_core_module_importing_a_feature_is_seen(tmp_path: Path, name: str, text: str) -> None:
    root = _tree(tmp_path, {name: text})
    assert len(core_importing_features(root)) == 1


def test_the_policy_may_read_features_models_and_vocabularies(tmp_path: Path) -> None:
    text = "from asb.cases.models import Case\nfrom asb.people.vocabulary import PersonRole\n"
    root = _tree(tmp_path, {"policy.py": text, "people/vocabulary.py": ""})
    assert core_importing_features(root) == []


def test_a_feature_importing_the_composition_root_is_seen(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"people/services.py": "from asb import create_app\n"})
    assert composition_root_imported(root) == ["asb.people.services (line 1) imports asb"]


def test_a_query_using_the_template_filters_is_seen(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "presentation.py": "",
            "people/queries.py": "def today():\n    from asb.presentation import LONDON\n",
            "people/presenters.py": "from asb import presentation\n",
        },
    )
    assert presentation_imported_below_pages(root) == [
        "asb.people.queries (line 2) imports asb.presentation"
    ]


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("cases/services.py", "class Note(db.Model): ...\n"),
        ("calendar.py", "from asb.extensions import db\nclass Holiday(db.Model): ...\n"),
        ("people/models/__init__.py", "class Person(Model): ...\n"),
    ],
)
def test_a_model_outside_models_py_is_seen(tmp_path: Path, name: str, text: str) -> None:
    root = _tree(tmp_path, {name: text})
    assert len(models_outside_models_py(root)) == 1
