"""rendered/ on disk: the header that marks manifold's files, and the all-or-nothing writer."""
