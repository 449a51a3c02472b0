"""JSON Schemas: generated from manifold's models, served to validators, converted from CRDs,
and located the way kubeconform locates them."""
