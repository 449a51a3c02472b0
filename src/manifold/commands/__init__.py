"""What each command does beyond running the stages: `explain`, `init` (`scaffold`), and render
and check answered from the record of the last run (`recorded`). Their options and outcomes are
vocabulary (`manifold.core.options`, `manifold.core.outcome`), so that lower packages can take
and return them without importing the commands."""
