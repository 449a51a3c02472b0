"""`manifold validate PATH...`: any Kubernetes manifests checked against their kinds' schemas,
and kubeconform as a second opinion."""
