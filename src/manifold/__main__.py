from manifold.cli.main import entry

entry()
