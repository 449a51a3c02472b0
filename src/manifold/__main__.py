from manifold.cli.main import main

main()
