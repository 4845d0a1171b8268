-- What exactly was answered: SHA-256 of the request's canonical string and signature. A redelivery whose signature
-- no longer verifies (the caller's password changed since, by this very request perhaps) is still the same record,
-- and gets its stored answer rather than a refusal. Null for rows stored before.
ALTER TABLE rpc_ledger ADD COLUMN request_digest TEXT;
