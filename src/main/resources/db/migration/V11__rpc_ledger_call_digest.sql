-- What was asked, apart from how it was sent: SHA-256 of the call (facade, version, method, id and params, keys
-- sorted) without its request-id, timestamp or signature. A record reusing a correlation id is the same call sent
-- again (answered as before) or another call (refused); null for rows stored before, which are answered as before.
ALTER TABLE rpc_ledger ADD COLUMN call_digest TEXT;
