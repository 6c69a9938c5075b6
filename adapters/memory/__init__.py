"""In-memory adapters: fakes of every port, used by unit tests and the contract suite."""
