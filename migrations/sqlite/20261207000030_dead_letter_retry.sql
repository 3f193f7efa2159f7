-- An operator's request to re-drive a parked event (`gamebot deadletters retry`): the running
-- subscription picks requested rows up, hands each to its consumer again and deletes the row
-- when it succeeds. Parking the event again clears the request.
ALTER TABLE dead_letters ADD COLUMN retry_requested_at TEXT;
