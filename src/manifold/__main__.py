from manifold.cli.launch import entry

entry()
