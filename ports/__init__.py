"""Ports: the interfaces (typing.Protocol) the core needs from the outside world."""
