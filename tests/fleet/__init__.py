"""The fleet's tests: topics, payloads, publisher, ingest, against a real Mosquitto and PostgreSQL.

A package (unlike the other test folders) because it has a conftest.py of its own: mypy checks tests/ as
one tree and would otherwise see two modules named ``conftest``. Its helpers import as ``fleet.<module>``.
"""
