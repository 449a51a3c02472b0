"""The environments of the synthetic repository: dev, staging and prod as a platform team
keeps them (prod extends staging), then regional production environments extending prod.

Each says where Substratus and Run:ai run in it: every region has a Run:ai cluster of its
own, since workloads of one name cannot share a Run:ai project of one cluster.
"""

from __future__ import annotations

import textwrap
import uuid
from typing import Any

import yaml

API_VERSION = "manifold.dev/v1alpha1"
RUNAI_URL = "https://acme.run.ai"


def environment_names(count: int) -> tuple[str, ...]:
    """dev, staging, prod, then regional production environments extending prod."""
    names = ("dev", "staging", "prod")[:count]
    return names + tuple(f"prod-region-{n}" for n in range(1, count - len(names) + 1))


def cluster_id(name: str) -> str:
    """A Run:ai cluster's id (a UUID), the same for the same name everywhere."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{RUNAI_URL}/clusters/{name}"))


_SPECS = {
    "dev": """
        namespace: "{{ project }}-dev"
        kubernetesVersion: "1.31"
        labels: {environment-tier: development}
        platforms:
          ome: {apiLevel: full}
          substratus: {apiLevel: v0.10}
          runai:
            baseUrl: RUNAI_URL
            clusterId: CLUSTER(nonprod)
            projectId: "21"
            nodePools: [l4-spot, a10g-spot]
        defaults:
          services:
            nodeSelector: {node-pool: gpu-spot}
            tolerations:
              - {key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}
              - {key: cloud.example.com/spot, operator: Exists, effect: NoSchedule}
    """,
    "staging": """
        namespace: "{{ project }}-staging"
        kubernetesVersion: "1.31"
        labels: {environment-tier: pre-production}
        annotations: {manifold.dev/owner-contact: "#ml-platform"}
        platforms:
          ome: {apiLevel: full}
          substratus: {apiLevel: v0.10}
          runai:
            baseUrl: RUNAI_URL
            clusterId: CLUSTER(nonprod)
            projectId: "34"
            nodePools: [a100-on-demand]
        defaults:
          services:
            nodeSelector: {node-pool: gpu-on-demand}
            tolerations:
              - {key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}
        patches:
          - target: {kind: InferenceService}
            mergePatch:
              spec:
                engine:
                  annotations: {prometheus.io/scrape: "true", prometheus.io/port: "8080"}
    """,
    "prod": """
        extends: staging
        namespace: "{{ project }}"
        labels: {environment-tier: production}
        platforms:
          runai:
            clusterId: CLUSTER(prod)
            projectId: "35"
            nodePools: [h100-reserved, a100-on-demand]
        defaults:
          services:
            nodeSelector: {node-pool: gpu-reserved}
        patches:
          - target: {kind: InferenceService, project: "payments-*"}
            jsonPatch:
              - {op: add, path: /spec/engine/nodeSelector/pci-zone, value: restricted}
          - target: {kind: InferenceCreationRequest}
            mergePatch:
              spec:
                compute: {largeShmRequest: true}
    """,
}
_REGION_SPEC = """
    extends: prod
    namespace: "{{ project }}-REGION"
    labels: {region: REGION}
    platforms:
      runai:
        clusterId: CLUSTER(REGION)
"""


def environment_document(name: str) -> dict[str, Any]:
    if name in _SPECS:
        text = _SPECS[name]
    else:
        text = _REGION_SPEC.replace("REGION", name.removeprefix("prod-"))
    text = text.replace("RUNAI_URL", RUNAI_URL)
    for cluster in ("nonprod", "prod", name.removeprefix("prod-")):
        text = text.replace(f"CLUSTER({cluster})", cluster_id(cluster))
    return {
        "apiVersion": API_VERSION,
        "kind": "Environment",
        "metadata": {"name": name},
        "spec": yaml.safe_load(textwrap.dedent(text)),
    }
