"""manifold: a GitOps manifest compiler for AI/ML platforms on Kubernetes."""

__version__ = "0.2.0"
