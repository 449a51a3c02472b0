"""manifold: a GitOps manifest compiler for AI/ML platforms on Kubernetes."""

__version__ = "0.1.0"
