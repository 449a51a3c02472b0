"""What a target platform provides: the `Target` protocol the pipeline calls."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

from manifold.core.diagnostics import Problem
from manifold.core.manifest import Manifest, OutputKind

if TYPE_CHECKING:
    from manifold.compile.catalog import Catalog
    from manifold.compile.instances import PlatformInstance, ProjectInstance
    from manifold.inputs.resolved import ResolvedEnvironment


class Target(Protocol):
    """A platform projects (and a platform file) can be rendered for.

    `catalog` is everything else the environment holds: other projects, the platform file.
    """

    name: str
    accelerators: str
    """The platform file's list of what `resources.gpu.type` names: acceleratorClasses, or
    gpuTypes (Run:ai's node pools and node types)."""

    @property
    def service_defaults(self) -> Mapping[str, Any]:
        """Platform defaults under every service: the first, weakest overlay layer."""

    def output_kinds(self) -> Iterable[OutputKind]:
        """Every kind `render` and `render_platform` can produce."""

    def check(self, instance: ProjectInstance, catalog: Catalog) -> Iterable[Problem]:
        """What this platform cannot do with the instance, as problems at its spec paths."""

    def render(self, instance: ProjectInstance, catalog: Catalog) -> list[Manifest]:
        """The platform's objects for one project in one environment."""

    def check_platform(self, platform: PlatformInstance, catalog: Catalog) -> Iterable[Problem]:
        """What this platform cannot do with its platform file, at paths of its spec."""

    def render_platform(self, platform: PlatformInstance, catalog: Catalog) -> list[Manifest]:
        """The objects of the platform file in one environment."""

    def unavailable(self, manifest: Manifest, environment: ResolvedEnvironment) -> str | None:
        """Why the environment's cluster cannot take `manifest` (its kind is not part of the
        API level the environment says the cluster runs), as a message; None when it can."""
