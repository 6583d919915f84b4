"""The fleet: many parks in one view (docs/fleet.md).

Each park publishes its samples, events and site description to an MQTT broker; a central ingest writes
them into PostgreSQL; the fleet view reads it. This package holds what they share: the topic scheme v1
(``energymon.fleet.topics``) and the payload format v1 (``energymon.fleet.payload``, its records in
``energymon.fleet.messages``, its rules in ``energymon.fleet.payload_rules``). It imports nothing of ui.
"""
