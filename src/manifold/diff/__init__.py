"""`manifold diff`: two versions of rendered/ compared object by object, and what the change does
to the pods."""
