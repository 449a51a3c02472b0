"""`manifold validate PATH...` on kubeconform's own fixtures gives the outcome kubeconform's
acceptance tests expect (../shared/reference/kubeconform-fixtures/EXPECTED.md): per resource
valid, invalid, error or skipped, and the exit status.

Each row below is a row of EXPECTED.md, with the flags it names. Where a row needs the
network, a local HTTP server stands in for the remote schema location; rows about kubeconform's
own command line rather than a fixture (output formats, a proxy, a version kubeconform's flag
parser refuses) have no counterpart and are listed at the end.
"""

from __future__ import annotations

import functools
import hashlib
import http.server
import json
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from manifold.schemas.crd import crd_schemas, read_crd_documents
from tests.conftest import run_cli

DEFAULT_LOCATION = (
    "https://raw.githubusercontent.com/yannh/kubernetes-json-schema/master/"
    "{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/"
    "{{ .ResourceKind }}{{ .KindSuffix }}.json"
)
NON_STANDALONE = DEFAULT_LOCATION.replace("-standalone", "")
REGISTRY = "{fixtures}/registry/{{{{ .ResourceKind }}}}{{{{ .KindSuffix }}}}.json"


@dataclass(frozen=True)
class Row:
    fixtures: tuple[str, ...]
    """Paths under the fixtures folder ('-' reads the first of `stdin`)."""
    expected: tuple[str, ...]
    """The status of each resource, in order."""
    flags: tuple[str, ...] = ()
    stdin: str | None = None

    @property
    def exit(self) -> int:
        return 1 if {"invalid", "error"} & set(self.expected) else 0


OK, BAD, ERR, SKIP = "valid", "invalid", "error", "skipped"
ROWS = {
    "valid": Row(("valid.yaml",), (OK,)),
    "valid, default location": Row(("valid.yaml",), (OK,), ("--schema-location", "default")),
    "valid, location without a schema": Row(("valid.yaml",), (ERR,), ("--schema-location", "foo")),
    "valid, unreachable location": Row(
        ("valid.yaml",), (ERR,), ("--schema-location", "http://127.0.0.1:9")
    ),
    "valid, from stdin": Row(("-",), (OK,), stdin="valid.yaml"),
    "valid, kind skipped": Row(("valid.yaml",), (SKIP,), ("--skip", "ReplicationController")),
    "valid, group/version/kind skipped": Row(
        ("valid.yaml",), (SKIP,), ("--skip", "v1/ReplicationController")
    ),
    "valid, another version skipped": Row(
        ("valid.yaml",), (OK,), ("--skip", "v2/ReplicationController")
    ),
    "valid, kind rejected": Row(("valid.yaml",), (ERR,), ("--reject", "ReplicationController")),
    "valid.json, Kubernetes 1.20.0": Row(
        ("valid.json",), (OK,), ("--kubernetes-version", "1.20.0")
    ),
    "folder": Row(("folder",), (OK,) * 7),
    "int_or_string": Row(("int_or_string.yaml",), (OK,)),
    "generate_name": Row(("generate_name.yaml",), (OK,)),
    "quantity": Row(("quantity.yaml",), (OK,)),
    "null_string": Row(("null_string.yaml",), (OK,)),
    "multi_valid": Row(("multi_valid.yaml",), (OK,) * 6),
    "multi_invalid": Row(("multi_invalid.yaml",), (BAD, OK, OK, OK, OK, OK)),
    "invalid": Row(("invalid.yaml",), (BAD,)),
    "invalid, from stdin": Row(("-",), (BAD,), stdin="invalid.yaml"),
    "not-here": Row(("not-here",), (ERR,)),
    "blank": Row(("blank.yaml",), ()),
    "comment": Row(("comment.yaml",), ()),
    "missing_kind": Row(("missing_kind.yaml",), (ERR,)),
    "missing_apiversion": Row(("missing_apiversion.yaml",), (ERR,)),
    "missing_kind_value": Row(("missing_kind_value.yaml",), (ERR,)),
    "test_crd": Row(("test_crd.yaml",), (ERR,)),
    "test_crd, missing schemas ignored": Row(
        ("test_crd.yaml",), (SKIP,), ("--ignore-missing-schemas",)
    ),
    "test_crd, local registry": Row(("test_crd.yaml",), (OK,), ("--schema-location", REGISTRY)),
    "test_crd, the first location misses": Row(
        ("test_crd.yaml",),
        (OK,),
        (
            "--schema-location",
            "{fixtures}/{{{{ .ResourceKind }}}}.json",
            "--schema-location",
            REGISTRY,
        ),
    ),
    "extra_property": Row(("extra_property.yaml",), (OK,)),
    "extra_property, strict": Row(
        ("extra_property.yaml",), (BAD,), ("--strict", "--kubernetes-version", "1.20.0")
    ),
    "duplicate_property, strict": Row(
        ("duplicate_property.yaml",), (ERR,), ("--strict", "--kubernetes-version", "1.20.0")
    ),
    "duplicate_property": Row(
        ("duplicate_property.yaml",), (OK,), ("--kubernetes-version", "1.20.0")
    ),
    "list_valid": Row(("list_valid.yaml",), (OK,) * 6),
    "list_valid, from stdin": Row(("-",), (OK,) * 6, stdin="list_valid.yaml"),
    "list_invalid": Row(("list_invalid.yaml",), (OK, BAD)),
    "list_invalid, from stdin": Row(("-",), (OK, BAD), stdin="list_invalid.yaml"),
    "list_empty_valid": Row(("list_empty_valid.yaml",), ()),
    "multi_with_list": Row(("multi_with_list.yaml",), (OK, OK)),
    "file name patterns ignored": Row(
        ("multi_invalid.yaml", "list_invalid.yaml", "quantity.yaml", "crd_schema.yaml"),
        (OK,),
        ("--ignore-filename-pattern", "crd", "--ignore-filename-pattern", ".*invalid.*"),
    ),
    "grafana-alert-rule-group-sample, fixed schema": Row(
        ("grafana-alert-rule-group-sample.yaml",),
        (OK,),
        ("--schema-location", "{fixtures}/grafanaalertrulegroup_v1beta1.json"),
    ),
    "crd_schema": Row(("crd_schema.yaml",), (ERR,)),
    "full_domain_group": Row(("full_domain_group.yaml",), (OK,)),
    "valid_version": Row(("valid_version.yaml",), (OK,)),
    "null_array": Row(("null_array.yaml",), (OK,)),
    "multi_valid_source": Row(("multi_valid_source.yaml",), (OK,) * 6),
    "unconventional_keys": Row(("unconventional_keys.yaml",), (OK,)),
    "multi_invalid_resources": Row(("multi_invalid_resources.yaml",), (ERR,) * 5),
    "duplicates": Row(("duplicates.yaml",), (OK, OK)),
    "duplicates-non-namespaced": Row(("duplicates-non-namespaced.yaml",), (OK, OK)),
    "duplicates-with-namespace": Row(("duplicates-with-namespace.yaml",), (OK, OK)),
    "duplicates-with-namespace-default": Row(("duplicates-with-namespace-default.yaml",), (OK, OK)),
    "same-object-different-namespace": Row(("same-object-different-namespace.yaml",), (OK, OK)),
    "same-object-different-namespace-default": Row(
        ("same-object-different-namespace-default.yaml",), (OK, OK)
    ),
    "duplicates-skipped-kinds": Row(("duplicates-skipped-kinds.yaml",), (ERR, ERR)),
    "duplicates-skipped-kinds, skipped": Row(
        ("duplicates-skipped-kinds.yaml",), (SKIP, SKIP), ("--skip", "SkipThisKind")
    ),
    "same-kind-different-api": Row(("same-kind-different-api.yaml",), (OK, ERR)),
    "httpproxy, no schema": Row(("httpproxy.yaml",), (ERR,)),
}


@pytest.fixture
def fixtures(shared: Path) -> Path:
    return shared / "reference" / "kubeconform-fixtures"


def _validate(
    *args: str, root: Path, stdin: bytes | None = None
) -> tuple[int, list[dict[str, Any]], dict[str, Any]]:
    result = run_cli("validate", "-C", str(root), "--format", "json", *args, stdin=stdin)
    assert "Traceback" not in result.stderr
    payload = json.loads(result.stdout)
    return result.exit_code, payload.get("resources", []), payload


@pytest.mark.parametrize("row", ROWS.values(), ids=ROWS.keys())
def test_every_fixture_gets_the_outcome_kubeconform_gives_it(
    row: Row, fixtures: Path, tmp_path: Path
) -> None:
    paths = [str(fixtures / name) if name != "-" else "-" for name in row.fixtures]
    flags = [flag.format(fixtures=fixtures) for flag in row.flags]
    stdin = (fixtures / row.stdin).read_bytes() if row.stdin else None
    code, resources, payload = _validate(*paths, *flags, root=tmp_path, stdin=stdin)
    assert tuple(resource["status"] for resource in resources) == row.expected, payload
    assert code == row.exit, payload


def test_every_fixture_is_covered(fixtures: Path) -> None:
    manifests = {
        path.relative_to(fixtures).as_posix()
        for path in fixtures.rglob("*")
        if path.suffix in (".yaml", ".json")
        and path.parent.name not in ("registry", "scripts-fixtures")
    }
    named = {name for row in ROWS.values() for name in (*row.fixtures, row.stdin) if name}
    covered = named | {f"folder/{p.name}" for p in (fixtures / "folder").iterdir()}
    schemas = {"grafanaalertrulegroup_v1beta1.json"}  # a schema, used by a row
    assert manifests - covered - schemas == set()


def test_messages_name_what_kubeconform_names(fixtures: Path, tmp_path: Path) -> None:
    checks = {
        "missing_kind.yaml": "missing 'kind' key",
        "missing_apiversion.yaml": "missing 'apiVersion' key",
        "test_crd.yaml": "could not find schema for TrainingJob",
        "crd_schema.yaml": "could not find schema for CustomResourceDefinition",
    }
    for name, words in checks.items():
        _, resources, _ = _validate(str(fixtures / name), root=tmp_path)
        assert words in resources[0]["message"], name
    _, resources, _ = _validate(str(fixtures / "generate_name.yaml"), root=tmp_path)
    assert resources[0]["name"] == "pi-{{ generateName }}"
    _, resources, _ = _validate(
        str(fixtures / "valid.yaml"), "--reject", "ReplicationController", root=tmp_path
    )
    assert resources[0]["message"] == "prohibited resource kind ReplicationController"


def test_a_template_with_unknown_variables_fails_to_initialise(fixtures: Path) -> None:
    # kubeconform: exit 1 and one line starting with "failed initialising"; here a usage error
    result = run_cli(
        "validate", str(fixtures / "valid.yaml"), "--schema-location", "foo {{ .Foo }}"
    )
    assert result.exit_code == 2
    assert result.stderr.startswith("manifold: failed initialising schema location")


def test_a_cache_folder_that_does_not_exist_is_refused(fixtures: Path, tmp_path: Path) -> None:
    missing = tmp_path / "cache_does_not_exist"
    result = run_cli("validate", str(fixtures / "valid.yaml"), "--cache", str(missing))
    assert result.exit_code == 2
    assert "failed opening cache folder" in result.stderr


@pytest.mark.parametrize(
    "location", [DEFAULT_LOCATION, NON_STANDALONE], ids=["standalone", "with $refs"]
)
def test_schemas_are_served_from_kubeconforms_cache_offline(
    fixtures: Path, tmp_path: Path, location: str
) -> None:
    cache = tmp_path / "cache"
    shutil.copytree(fixtures / "cache", cache)
    before = sorted(p.name for p in cache.iterdir())
    code, resources, payload = _validate(
        str(fixtures / "valid.yaml"),
        "--schema-location",
        location,
        "--cache",
        str(cache),
        root=tmp_path,
    )
    assert (code, [r["status"] for r in resources]) == (0, [OK]), payload
    assert sorted(p.name for p in cache.iterdir()) == before


# --------------------------------------------------------------------------- over HTTP


@pytest.fixture
def schema_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A local HTTP server, standing in for a remote schema location: (its URL, its folder)."""
    folder = tmp_path / "served"
    folder.mkdir()
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", folder
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return None


# Written for this test: the part of Contour's HTTPProxy the fixture uses, unknown fields
# refused, standing in for the datreeio CRDs-catalog schema the upstream test downloads.
HTTPPROXY_SCHEMA = {
    "type": "object",
    "required": ["apiVersion", "kind", "metadata", "spec"],
    "properties": {
        "apiVersion": {"const": "projectcontour.io/v1"},
        "kind": {"const": "HTTPProxy"},
        "metadata": {"type": "object"},
        "spec": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "virtualhost": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {"fqdn": {"type": "string"}},
                },
                "routes": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": {
                            "conditions": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "properties": {"prefix": {"type": "string"}},
                                    "additionalProperties": False,
                                },
                            },
                            "services": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "required": ["name", "port"],
                                    "additionalProperties": False,
                                    "properties": {
                                        "name": {"type": "string"},
                                        "port": {"type": "integer"},
                                    },
                                },
                            },
                        },
                    },
                },
            },
        },
    },
}
CATALOG = "/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json"


def test_httpproxy_against_a_crds_catalog_over_http(
    fixtures: Path, tmp_path: Path, schema_server: tuple[str, Path]
) -> None:
    url, folder = schema_server
    (folder / "projectcontour.io").mkdir()
    (folder / "projectcontour.io/httpproxy_v1.json").write_text(json.dumps(HTTPPROXY_SCHEMA))
    cache = tmp_path / "cache"
    cache.mkdir()
    location = url + CATALOG
    arguments = [
        "--schema-location",
        "default",
        "--schema-location",
        location,
        "--cache",
        str(cache),
    ]
    code, resources, payload = _validate(
        str(fixtures / "httpproxy.yaml"), *arguments, root=tmp_path
    )
    assert (code, [r["status"] for r in resources]) == (0, [OK]), payload
    downloaded = hashlib.sha256(f"{url}/projectcontour.io/httpproxy_v1.json".encode()).hexdigest()
    assert [p.name for p in cache.iterdir()] == [downloaded]
    # the cached schema serves the next run, with the server gone
    (folder / "projectcontour.io/httpproxy_v1.json").unlink()
    code, resources, _ = _validate(str(fixtures / "httpproxy.yaml"), *arguments, root=tmp_path)
    assert [r["status"] for r in resources] == [OK]


def test_a_404_is_an_error_and_is_not_cached(
    fixtures: Path, tmp_path: Path, schema_server: tuple[str, Path]
) -> None:
    url, _ = schema_server
    cache = tmp_path / "cache"
    cache.mkdir()
    code, resources, _ = _validate(
        str(fixtures / "valid.yaml"),
        "--schema-location",
        url + "/doesnotexist.json",
        "--cache",
        str(cache),
        root=tmp_path,
    )
    assert code == 1
    assert resources[0]["message"] == "could not find schema for ReplicationController"
    assert list(cache.iterdir()) == []


# --------------------------------------------------------------------------- CRD conversion


@pytest.mark.parametrize(
    ("deny_root", "expected"),
    [
        (False, "prometheus_v1-expected.json"),
        (True, "prometheus_v1-denyRootAdditionalProperties.json"),
    ],
)
def test_crds_convert_as_kubeconforms_openapi2jsonschema_does(
    fixtures: Path, deny_root: bool, expected: str
) -> None:
    scripts = fixtures / "scripts-fixtures"
    crd = scripts / "prometheus-operator-0prometheusCustomResourceDefinition.yaml"
    converted = [
        schema
        for document in read_crd_documents(crd.read_bytes())
        for schema in crd_schemas(document, deny_root_additional_properties=deny_root)
    ]
    assert [schema.path for schema in converted] == ["monitoring.coreos.com/prometheus_v1.json"]
    assert converted[0].schema == json.loads((scripts / expected).read_text())


# Rows with no counterpart here, and why:
# - `-output tap|junit|json`, `-summary`, `-verbose`: kubeconform's output formats; manifold
#   reports with --format text|json (every resource's status is in the JSON).
# - `HTTPS_PROXY=...`: a proxy failure; manifold uses the proxy settings of Python's urllib.
# - `-kubernetes-version 1.25` refused for lacking a patch number: manifold takes 1.25.
# - the OpenShift 3.8.0 template and `valid_large.yaml` need the network / were not copied.
