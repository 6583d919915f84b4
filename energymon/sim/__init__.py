"""Simulated park: physics (pure functions), a stateful park model and a Modbus TCP server."""
