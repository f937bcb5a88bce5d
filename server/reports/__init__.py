"""Reports: live figures from the event log, rollups per office-day, exports."""
