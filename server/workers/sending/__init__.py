"""Messages to citizens' phones: the gateways (`adapters`) and the worker that sends the
outbox (`worker`); what is written to the outbox, and when, is the engine's
(`server/engine/citizen_messages.py`)."""
