"""Modbus edge of energymon: register maps as data, decoding, read-only transports.

Knows nothing of storage or GUI. Dependency direction: ui -> energymon -> drivers.
"""
