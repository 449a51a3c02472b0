"""The pieces every Substratus kind is made of: quantities in Substratus's units, variables,
parameters, git builds, and the fields a project item sets that Substratus has no word for."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from manifold.core.diagnostics import Problem, Severity
from manifold.models.common import Resources
from manifold.models.env import EnvFromSecret, EnvValue, EnvVar, SecretKeyRef
from manifold.models.project import Service
from manifold.models.workload import Component
from manifold.targets.substratus import convert
from manifold.targets.substratus.option_models import Build, SubstratusWorkload
from tests.unit.targets.substratus.inputs import messages

# --------------------------------------------------------------------------- quantities


@given(st.integers(min_value=1, max_value=4096))
def test_whole_gibibytes_of_any_suffix_convert_to_their_count(gibibytes: int) -> None:
    problems: list[Problem] = []
    for written in (f"{gibibytes}Gi", f"{gibibytes * 1024}Mi", gibibytes * 2**30):
        given_resources = Resources.model_validate({"memory": written})
        assert convert.resources(given_resources, ("r",), problems, "it") == {"memory": gibibytes}
    assert problems == []


def test_resources_in_substratus_units() -> None:
    problems: list[Problem] = []
    given_resources = Resources.model_validate(
        {
            "cpu": "8",
            "memory": "16Gi",
            "ephemeralStorage": 107374182400,
            "gpu": {"count": 2, "type": "nvidia-a100"},
        }
    )
    converted = convert.resources(given_resources, ("resources",), problems, "it")
    assert converted == {
        "cpu": 8,
        "memory": 16,
        "disk": 100,
        "gpu": {"type": "nvidia-a100", "count": 2},
    }
    assert problems == []


def test_fractions_of_units_are_refused_with_their_value() -> None:
    problems: list[Problem] = []
    given_resources = Resources.model_validate({"cpu": "1500m", "memory": "1G"})
    assert convert.resources(given_resources, ("r",), problems, "it") == {}
    assert [(p.path, p.message.rsplit(": ", 1)[1]) for p in problems] == [
        (("r", "cpu"), "'1500m' is 1.5 CPUs"),
        (("r", "memory"), "'1G' is 0.93Gi"),
    ]


@pytest.mark.parametrize(
    ("resources", "expected"),
    [
        (
            {"requests": {"cpu": "1"}},
            "r.requests: Substratus requests and limits one amount of each resource: separate "
            "requests, which it asks for, cannot be expressed",
        ),
        (
            {"gpu": {"count": 1, "type": "tpu-v5"}},
            "r.gpu.type: Substratus knows the GPU types nvidia-a100, nvidia-l4, nvidia-t4, not "
            "'tpu-v5'",
        ),
        (
            {"gpu": {"count": 1, "type": "nvidia-t4", "resource": "amd.com/gpu"}},
            "r.gpu.resource: Substratus requests GPUs as nvidia.com/gpu, not amd.com/gpu",
        ),
    ],
)
def test_resources_substratus_cannot_request(resources: dict[str, object], expected: str) -> None:
    problems: list[Problem] = []
    convert.resources(Resources.model_validate(resources), ("r",), problems, "it")
    assert messages(problems) == [expected]


@pytest.mark.parametrize("cloud", ["gcp", "kind", None])
@pytest.mark.parametrize("gpu", [{"count": 0, "type": "nvidia-l4"}, {"count": 0}])
def test_no_gpus_asked_is_no_gpu_written(gpu: dict[str, object], cloud: str | None) -> None:
    """A `gpu` puts the pod on that GPU's nodes with a spot toleration whatever its count
    (resources.go:39-63): a count of 0 (an environment's way to turn a GPU off, say) is
    written as none, and a type left without one is no GPU to refuse on GCP either."""
    problems: list[Problem] = []
    given = Resources.model_validate({"cpu": "2", "gpu": gpu})
    assert convert.resources(given, ("r",), problems, "it", cloud) == {"cpu": 2}
    assert problems == []


@pytest.mark.parametrize(
    ("gpu", "cloud", "refused"),
    [
        ({"count": 1, "type": "nvidia-l4"}, "gcp", False),  # gpu_info.go:35-40: a node selector
        ({"count": 2, "type": "nvidia-a100"}, "gcp", False),
        ({"count": 1}, "gcp", True),  # gpu_info.go:21-22 finds no "" for GCP; resources.go:40-43
        ({"count": 1}, "kind", False),  # gpu_info.go:15-20: kind takes any GPU
        ({"count": 1}, None, False),  # the cloud not said: nothing to say
    ],
)
def test_a_gpu_without_a_type_is_refused_on_gcp(
    gpu: dict[str, object], cloud: str | None, refused: bool
) -> None:
    problems: list[Problem] = []
    given = Resources.model_validate({"gpu": gpu})
    converted = convert.resources(given, ("r",), problems, "it", cloud)
    assert converted["gpu"] == gpu  # rendered as asked either way
    assert messages(problems) == (
        [
            "r.gpu: Substratus on GCP places a GPU by its type and refuses one without a type: "
            "the pod would never start"
        ]
        if refused
        else []
    )


# --------------------------------------------------------------------------- values


def test_params_are_integers_or_strings() -> None:
    problems: list[Problem] = []
    values = {"epochs": 3, "rate": 0.0002, "tiny": 1e-05, "shuffle": True, "name": "x"}
    assert convert.params(values, ("p",), problems) == {
        "epochs": 3,
        "rate": "0.0002",
        "tiny": "1e-05",
        "shuffle": "true",
        "name": "x",
    }
    convert.params({"layers": [1, 2], "by": {"a": 1}, "none": None}, ("p",), problems)
    assert [p.message.rsplit("; ", 1)[1] for p in problems] == [
        "'layers' is a list",
        "'by' is a map",
        "'none' is a null",
    ]


def test_a_secret_variable_is_written_for_substratus_to_resolve() -> None:
    problems: list[Problem] = []
    variables: list[EnvVar] = [
        EnvValue(name="A", value="1"),
        EnvFromSecret(name="TOKEN", secret=SecretKeyRef(name="ai", key="HF")),
    ]
    assert convert.env(variables, ("env",), problems) == {
        "A": "1",
        "TOKEN": "${{ secrets.ai.HF }}",
    }
    assert problems == []


@pytest.mark.parametrize(
    ("value", "read_as"),
    [
        ("plain", None),
        ("${{ secrets.ai.HF }}", None),  # Substratus's own syntax, whole: read as written
        ("${{secrets.ai.HF}}", None),
        ("Bearer ${{ secrets.ai.HF }}", ("ai", "HF")),
        ("${{ secrets.ai.HF }}/v1", ("ai", "HF")),
        ("x=${{ secrets.db.pass.word }}", ("db.pass", "word")),  # greedy, as utils.go:72
        ("${{ secret.ai.HF }} and more", None),  # not the form: `secrets.`
        ("$HF_TOKEN", None),
    ],
)
def test_a_value_that_holds_a_secret_reference_beside_other_text_is_refused(
    value: str, read_as: tuple[str, str] | None
) -> None:
    """resolveEnv searches a value for `${{ secrets.<name>.<key> }}` (utils.go:71-73): a
    value that holds one beside other text becomes the Secret's key alone."""
    problems: list[Problem] = []
    variables: list[EnvVar] = [EnvValue(name="AUTH", value=value)]
    assert convert.env(variables, ("env",), problems) == {"AUTH": value}
    if read_as is None:
        assert problems == []
        return
    [problem] = problems
    assert problem.path == ("env", 0, "value")
    assert problem.severity is Severity.ERROR
    assert f"key {read_as[1]!r} of Secret {read_as[0]!r}" in problem.message


@pytest.mark.parametrize(
    ("name", "key", "read_as"),
    [
        ("ai", "HF", None),
        ("hf.tokens", "HF", None),  # greedy: a name's dots stay in the name (utils.go:72)
        ("tls", "tls.crt", ("tls.tls", "crt")),
        ("ai", ".dockerconfigjson", ("ai.", "dockerconfigjson")),
    ],
)
def test_a_secret_key_with_a_dot_is_misread(
    name: str, key: str, read_as: tuple[str, str] | None
) -> None:
    """resolveEnv's `secrets\\.(.+)\\.(.+)` (utils.go:72-79) splits at the last dot."""
    problems: list[Problem] = []
    variables: list[EnvVar] = [EnvFromSecret(name="T", secret=SecretKeyRef(name=name, key=key))]
    assert convert.env(variables, ("env",), problems) == {"T": f"${{{{ secrets.{name}.{key} }}}}"}
    if read_as is None:
        assert problems == []
        return
    [problem] = problems
    assert problem.path == ("env", 0, "secret", "key")
    assert problem.severity is Severity.ERROR
    assert f"key {read_as[1]!r} of Secret {read_as[0]!r}" in problem.message


@pytest.mark.parametrize(
    ("variable", "source"),
    [
        ({"name": "C", "configMap": {"name": "c", "key": "k"}}, "a ConfigMap"),
        ({"name": "P", "field": "status.podIP"}, "a field of the pod"),
    ],
)
def test_variables_from_elsewhere_are_refused(variable: dict[str, object], source: str) -> None:
    problems: list[Problem] = []
    component = Component.model_validate({"env": [{"name": "A", "value": "1"}, variable]})
    assert convert.env(component.env or [], ("env",), problems) == {"A": "1"}
    assert messages(problems) == [
        f"env[1]: Substratus sets a variable to a value or to a Secret's key, not from "
        f"{source} ({variable['name']})"
    ]


@pytest.mark.parametrize(
    ("git", "written", "refused"),
    [
        (
            {"url": "https://g.example/r", "branch": "b", "path": "p"},
            {"url": "https://g.example/r", "branch": "b", "path": "p"},
            [],
        ),
        (
            {"url": "https://g.example/r", "tag": "v1"},
            {"url": "https://g.example/r"},
            [
                "s.build.git.tag: at Substratus API level v0.3 a build checks out a branch, "
                "not a tag"
            ],
        ),
    ],
)
def test_branch_builds(git: dict[str, str], written: dict[str, str], refused: list[str]) -> None:
    problems: list[Problem] = []
    build = Build.model_validate({"git": git})
    assert convert.branch_build(build, ("s",), "v0.3", problems) == written
    assert messages(problems) == refused


# --------------------------------------------------------------------------- unexpressed


SERVICE = Service.model_validate(
    {
        "name": "s",
        "model": "m",
        "image": "i",
        "readinessProbe": {"httpGet": {"path": "/"}},
        "nodeSelector": {"a": "b"},
        "hostNetwork": False,
        "tolerations": [],
    }
)


def test_unexpressed_fields_are_named_in_substratus_words() -> None:
    found = list(convert.unexpressed(SERVICE, ("services", 0), ("image", "model"), "service 's'"))
    # false and empty values ask for nothing; fields are reported in order of their names
    assert messages(found) == [
        "services[0].nodeSelector: Substratus cannot express node placement (Substratus "
        "places pods by GPU type), which service 's' asks for",
        "services[0].readinessProbe: Substratus cannot express a readiness probe, which "
        "service 's' asks for",
    ]
    defaulted, own = found
    assert defaulted.hint is not None and "`nodeSelector: null`" in defaulted.hint
    assert own.hint is None


def test_options_of_another_level_name_it_and_the_setting() -> None:
    problems: list[Problem] = []
    options = SubstratusWorkload.model_validate({"build": {"git": {"url": "https://g.example/r"}}})
    convert.other_level(options, ("at",), ("build", "params"), "v0.3", problems)
    [problem] = problems
    assert problem.path == ("at", "build")
    assert problem.message == (
        "substratus.build belongs to Substratus API level v0.3, which this environment does not run"
    )
    assert problem.hint == (
        "remove it, or run level v0.3 here (spec.platforms.substratus.apiLevel: v0.3 in the "
        "environment)"
    )
