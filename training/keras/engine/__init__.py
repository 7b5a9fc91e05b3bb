"""Layer, the symbolic Input, functional/subclassed Model and Sequential."""
